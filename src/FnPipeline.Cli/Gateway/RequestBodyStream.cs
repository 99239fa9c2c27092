namespace FnPipeline.Cli.Gateway;

/// <summary>
/// The request body as the call's input stream, read once while the call runs (never buffered whole). Past
/// <see cref="Limit"/> bytes it stops with an <see cref="IOException"/> and records it, so the gateway can answer 413
/// (or abort the connection, when the response already began).
/// </summary>
internal sealed class RequestBodyStream(Stream body, long limit) : Stream
{
    private long _read;
    private int _exceeded;

    public long Limit { get; } = limit;

    /// <summary>Whether the body went past the limit (the input was cut).</summary>
    public bool LimitExceeded => Volatile.Read(ref _exceeded) != 0;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // One byte past the limit is enough to know it was exceeded.
        var room = Limit + 1 - _read;
        var read = await body.ReadAsync(buffer[..(int)Math.Min(buffer.Length, Math.Max(room, 1))], cancellationToken).ConfigureAwait(false);
        _read += read;
        if (_read > Limit)
        {
            Volatile.Write(ref _exceeded, 1);
            throw new IOException($"Request body too large: the limit is {Limit} bytes");
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The request body is read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
