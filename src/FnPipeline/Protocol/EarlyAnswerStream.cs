using System.Net.Sockets;

namespace FnPipeline.Protocol;

/// <summary>
/// The connection stream of a hot container's client. A function may answer before it has read the whole request body
/// and then close the connection (HTTP allows a server to answer early). <see cref="SocketsHttpHandler"/> sends the
/// whole body before it reads the response, so the write fails and the answer, already waiting in the socket, would be
/// lost. When a write fails while response bytes are waiting, the rest of the body is dropped instead and the response
/// is read as usual; the connection is then marked <see cref="RequestCut"/> and never used again (docs/contract.md).
/// </summary>
internal sealed class EarlyAnswerStream(Socket socket) : Stream
{
    private readonly NetworkStream _inner = new(socket, ownsSocket: true);
    private volatile bool _cut;

    /// <summary>The function stopped reading the request body and had already answered; the rest was not sent.</summary>
    public bool RequestCut => _cut;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Shuts the socket down both ways, so that the connection pool finds it at end of stream when it next looks and
    /// opens a new one; the pool disposes this stream then.
    /// </summary>
    public void Abandon()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed: the pool finds it unusable all the same.
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_cut)
        {
            return;
        }

        try
        {
            _inner.Write(buffer);
        }
        catch (IOException) when (AnswerWaiting())
        {
            _cut = true;
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_cut)
        {
            return;
        }

        try
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested && AnswerWaiting())
        {
            _cut = true;
        }
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Bytes the function sent are waiting to be read: its answer came before it stopped reading.</summary>
    private bool AnswerWaiting()
    {
        try
        {
            return socket.Available > 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
