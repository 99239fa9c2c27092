using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FnPipeline.HotPool;

/// <summary>
/// Serialises the fields of a <see cref="FunctionKey"/> unambiguously (length-prefixed, null distinct from empty,
/// dictionaries in ordinal key order) into a pooled buffer, so that hashing a call allocates nothing.
/// </summary>
internal ref struct FunctionKeyWriter
{
    private byte[] _buffer;
    private int _written;

    public FunctionKeyWriter()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(1024);
        _written = 0;
    }

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _written);

    public void Write(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);
    }

    public void Write(string? value)
    {
        if (value is null)
        {
            Write(-1L);
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        Write((long)byteCount);
        Encoding.UTF8.GetBytes(value, Reserve(byteCount));
    }

    public void Write(IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            Write(-1L);
            return;
        }

        Write((long)values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Write(values[i]);
        }
    }

    public void Write(IReadOnlyDictionary<string, string>? values)
    {
        if (values is null)
        {
            Write(-1L);
            return;
        }

        var count = values.Count;
        Write((long)count);
        if (count == 0)
        {
            return;
        }

        // Sorted through a pooled key array: the dictionary's own order is not stable across instances.
        var keys = ArrayPool<string>.Shared.Rent(count);
        try
        {
            var n = 0;
            foreach (var key in values.Keys)
            {
                keys[n++] = key;
            }

            Array.Sort(keys, 0, n, StringComparer.Ordinal);
            for (var i = 0; i < n; i++)
            {
                Write(keys[i]);
                Write(values[keys[i]]);
            }
        }
        finally
        {
            ArrayPool<string>.Shared.Return(keys, clearArray: true);
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _written = 0;
    }

    private Span<byte> Reserve(int count)
    {
        if (_written + count > _buffer.Length)
        {
            var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + count));
            _buffer.AsSpan(0, _written).CopyTo(next);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = next;
        }

        var span = _buffer.AsSpan(_written, count);
        _written += count;
        return span;
    }
}
