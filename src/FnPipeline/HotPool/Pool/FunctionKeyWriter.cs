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

        // Sorted through a pooled key array: the dictionary's own order is not stable across instances. Insertion
        // sort with an ordinal compare: configs are small, and Array.Sort with a comparer allocates a delegate.
        var keys = ArrayPool<string>.Shared.Rent(count);
        try
        {
            var n = CopyKeys(values, keys);
            SortOrdinal(keys, n);
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

    private static void SortOrdinal(string[] keys, int count)
    {
        for (var i = 1; i < count; i++)
        {
            var key = keys[i];
            var j = i - 1;
            for (; j >= 0 && string.CompareOrdinal(keys[j], key) > 0; j--)
            {
                keys[j + 1] = keys[j];
            }

            keys[j + 1] = key;
        }
    }

    private static int CopyKeys(IReadOnlyDictionary<string, string> values, string[] keys)
    {
        var n = 0;
        if (values is Dictionary<string, string> dictionary)
        {
            // The struct enumerator: no boxing for the common case.
            foreach (var key in dictionary.Keys)
            {
                keys[n++] = key;
            }
        }
        else
        {
            foreach (var key in values.Keys)
            {
                keys[n++] = key;
            }
        }

        return n;
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
