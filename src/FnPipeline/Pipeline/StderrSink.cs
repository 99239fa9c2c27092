using FnPipeline.Buffers;
using FnPipeline.Driver;

namespace FnPipeline.Pipeline;

/// <summary>Keeps a container's stderr up to a cap; never refuses bytes, so stderr never stops a function.</summary>
internal sealed class StderrSink(int maxBytes) : IOutputSink, IDisposable
{
    private readonly CappedTextBuffer _buffer = new(maxBytes);

    public bool Write(ReadOnlySpan<byte> chunk)
    {
        _buffer.Append(chunk);
        return true;
    }

    public string Text() => _buffer.ToString();

    public string Tail(int lines) => _buffer.Tail(lines);

    public void Dispose() => _buffer.Dispose();
}
