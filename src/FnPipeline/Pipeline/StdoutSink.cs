using FnPipeline.Buffers;
using FnPipeline.Driver;

namespace FnPipeline.Pipeline;

/// <summary>Collects a container's stdout into a pooled, capped buffer whose ownership moves to the result.</summary>
internal sealed class StdoutSink(long maxBytes) : IOutputSink, IDisposable
{
    private PooledOutputBuffer? _buffer = new(maxBytes);

    public long MaxBytes { get; } = maxBytes;

    public bool Write(ReadOnlySpan<byte> chunk) => _buffer?.TryAppend(chunk) ?? false;

    /// <summary>Hands the buffer to the result; the sink no longer returns it.</summary>
    public PooledOutputBuffer? Detach() => Interlocked.Exchange(ref _buffer, null);

    public void Dispose() => Detach()?.Dispose();
}
