using System.Text;

namespace FnPipeline.Buffers;

/// <summary>
/// Keeps the first bytes of a stream of text (stderr) up to a cap and appends a truncation marker once, as Fn did,
/// so a noisy function cannot grow the executor's memory.
/// </summary>
internal sealed class CappedTextBuffer : IDisposable
{
    private readonly PooledOutputBuffer _buffer;

    public CappedTextBuffer(int maxBytes) => _buffer = new PooledOutputBuffer(Math.Max(1, maxBytes));

    public bool Truncated => _buffer.Overflowed;

    public void Append(ReadOnlySpan<byte> data) => _buffer.TryAppend(data);

    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(_buffer.WrittenMemory.Span);
        return Truncated
            ? $"{text}\n-----max log size {_buffer.MaxBytes} bytes exceeded, truncating log-----\n"
            : text;
    }

    /// <summary>The last <paramref name="lines"/> lines, for error messages.</summary>
    public string Tail(int lines)
    {
        var text = Encoding.UTF8.GetString(_buffer.WrittenMemory.Span).TrimEnd('\n');
        var index = text.Length;
        for (var i = 0; i < lines && index > 0; i++)
        {
            index = text.LastIndexOf('\n', index - 1);
            if (index < 0)
            {
                return text;
            }
        }

        return text[(index + 1)..];
    }

    public void Dispose() => _buffer.Dispose();
}
