using System.Buffers;

namespace FnPipeline.Buffers;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}"/>, capped at a maximum size. Writes past the cap are
/// dropped and recorded, so a function that floods its output cannot make the executor allocate without bound.
/// </summary>
internal sealed class PooledOutputBuffer : IBufferWriter<byte>, IDisposable
{
    private const int MinimumRent = 4096;
    private readonly ArrayPool<byte> _pool;
    private byte[] _buffer;
    private int _written;

    public PooledOutputBuffer(long maxBytes, ArrayPool<byte>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        MaxBytes = (int)Math.Min(maxBytes, Array.MaxLength);
        _pool = pool ?? ArrayPool<byte>.Shared;
        _buffer = [];
    }

    public int MaxBytes { get; }

    public int WrittenCount => _written;

    /// <summary>Bytes offered past <see cref="MaxBytes"/> and dropped.</summary>
    public long OverflowBytes { get; private set; }

    public bool Overflowed => OverflowBytes > 0;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>Appends bytes; returns <c>false</c> when the cap was reached and some bytes were dropped.</summary>
    public bool TryAppend(ReadOnlySpan<byte> data)
    {
        var room = MaxBytes - _written;
        if (data.Length > room)
        {
            OverflowBytes += data.Length - room;
            data = data[..room];
        }

        if (!data.IsEmpty)
        {
            EnsureCapacity(data.Length);
            data.CopyTo(_buffer.AsSpan(_written));
            _written += data.Length;
        }

        return OverflowBytes == 0;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            _pool.Return(buffer);
        }
    }

    private void EnsureCapacity(int more)
    {
        var needed = _written + more;
        if (needed <= _buffer.Length)
        {
            return;
        }

        var size = Math.Max(Math.Max(MinimumRent, needed), (int)Math.Min((long)_buffer.Length * 2, Array.MaxLength));
        var next = _pool.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(next);
        if (_buffer.Length > 0)
        {
            _pool.Return(_buffer);
        }

        _buffer = next;
    }
}
