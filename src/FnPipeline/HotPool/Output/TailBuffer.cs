using System.Buffers;
using System.Text;

namespace FnPipeline.HotPool;

/// <summary>
/// Keeps the last bytes written (a ring over one pooled array), for the "last lines of stderr" of a container that
/// died while starting. Not thread-safe: the owner serialises writes.
/// </summary>
internal sealed class TailBuffer(int capacity) : IDisposable
{
    private byte[]? _ring;
    private int _next;
    private bool _wrapped;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        _ring ??= ArrayPool<byte>.Shared.Rent(capacity);
        var size = Math.Min(capacity, _ring.Length);
        if (data.Length >= size)
        {
            data[^size..].CopyTo(_ring);
            _next = 0;
            _wrapped = true;
            return;
        }

        var first = Math.Min(data.Length, size - _next);
        data[..first].CopyTo(_ring.AsSpan(_next));
        data[first..].CopyTo(_ring);
        _wrapped |= _next + data.Length >= size;
        _next = (_next + data.Length) % size;
    }

    /// <summary>The last <paramref name="lines"/> lines, oldest first.</summary>
    public string Tail(int lines)
    {
        if (_ring is null)
        {
            return "";
        }

        var size = Math.Min(capacity, _ring.Length);
        var text = _wrapped
            ? Encoding.UTF8.GetString(_ring, _next, size - _next) + Encoding.UTF8.GetString(_ring, 0, _next)
            : Encoding.UTF8.GetString(_ring, 0, _next);
        text = text.TrimEnd('\n', '\r');
        var start = text.Length;
        for (var i = 0; i < lines && start > 0; i++)
        {
            start = text.LastIndexOf('\n', start - 1);
            if (start < 0)
            {
                return text;
            }
        }

        return text[(start + 1)..];
    }

    public void Dispose()
    {
        if (_ring is { } ring)
        {
            _ring = null;
            ArrayPool<byte>.Shared.Return(ring);
        }
    }
}
