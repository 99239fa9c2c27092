using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace FnPipeline.Testing.Fakes;

/// <summary>
/// A tiny HTTP/1.1 server on a unix socket, standing in for an FDK: keep-alive, Content-Length or chunked request
/// bodies, one request at a time per connection. Counts connections so tests can see reuse.
/// </summary>
internal sealed class FakeHttpStreamServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<FakeRequest, CancellationToken, Task<FakeResponse>> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly Task _acceptLoop;
    private readonly Func<FakeRequest, bool>? _answersBeforeBody;
    private int _accepted;

    private FakeHttpStreamServer(Socket listener, Func<FakeRequest, CancellationToken, Task<FakeResponse>> handler, Func<FakeRequest, bool>? answersBeforeBody)
    {
        _listener = listener;
        _handler = handler;
        _answersBeforeBody = answersBeforeBody;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int ConnectionsAccepted => Volatile.Read(ref _accepted);

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <param name="answersBeforeBody">For which requests (seen by their head) to answer at once and close the
    /// connection with the body unread; the handler then gets the request without its body.</param>
    public static FakeHttpStreamServer Start(
        string directory,
        Func<FakeRequest, CancellationToken, Task<FakeResponse>> handler,
        SocketLayout layout = SocketLayout.RelativeSymlink,
        Func<FakeRequest, bool>? answersBeforeBody = null)
    {
        var socketPath = Path.Join(directory, "lsnr.sock");
        var tmpPath = socketPath + ".tmp";
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(layout == SocketLayout.Direct ? socketPath : tmpPath));
        listener.Listen(16);
        switch (layout)
        {
            case SocketLayout.RelativeSymlink:
                File.CreateSymbolicLink(socketPath, "lsnr.sock.tmp");
                break;
            case SocketLayout.AbsoluteSymlink:
                File.CreateSymbolicLink(socketPath, tmpPath);
                break;
            case SocketLayout.RegularFile:
                File.WriteAllText(socketPath, "not a socket");
                break;
        }

        return new FakeHttpStreamServer(listener, handler, answersBeforeBody);
    }

    /// <summary>Closes the listener and every connection at once, as a dying process would.</summary>
    public void Abort()
    {
        _stop.Cancel();
        _listener.Dispose();
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        try
        {
            await _acceptLoop;
        }
        catch
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _connections[connection] = 0;
            _ = Task.Run(() => ServeAsync(connection));
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        try
        {
            await using var stream = new NetworkStream(connection, ownsSocket: true);
            var reader = new HttpReader(stream);
            while (await reader.ReadHeadAsync(_stop.Token) is { } head)
            {
                if (_answersBeforeBody?.Invoke(head) == true)
                {
                    // Answer, then close with the body unread, as a server that does not want it may.
                    Requests.Enqueue(head);
                    var early = await _handler(head, _stop.Token);
                    if (!early.Drop)
                    {
                        await WriteAsync(stream, early, _stop.Token);
                    }

                    return;
                }

                var request = await reader.ReadBodyAsync(head, _stop.Token);
                Requests.Enqueue(request);
                var response = await _handler(request, _stop.Token);
                if (response.Drop)
                {
                    return;
                }

                await WriteAsync(stream, response, _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    private static async Task WriteAsync(Stream stream, FakeResponse response, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} Status\r\n");
        foreach (var (name, value) in response.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        var length = response.Body.Length + response.FillBytes;
        head.Append(response.Chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {length}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancellationToken);
        await WriteBodyAsync(stream, response, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private static async Task WriteBodyAsync(Stream stream, FakeResponse response, CancellationToken cancellationToken)
    {
        var fill = new byte[64 * 1024];
        Array.Fill(fill, (byte)'x');
        async Task Piece(ReadOnlyMemory<byte> data)
        {
            if (data.IsEmpty)
            {
                return;
            }

            if (response.Chunked)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"), cancellationToken);
                await stream.WriteAsync(data, cancellationToken);
                await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
            }
            else
            {
                await stream.WriteAsync(data, cancellationToken);
            }
        }

        await Piece(response.Body);
        for (var left = response.FillBytes; left > 0; left -= Math.Min(left, fill.Length))
        {
            await Piece(fill.AsMemory(0, (int)Math.Min(left, fill.Length)));
        }

        if (response.Chunked)
        {
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
        }
    }
}
