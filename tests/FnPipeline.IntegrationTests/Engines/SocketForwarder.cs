using System.Net.Sockets;

namespace FnPipeline.IntegrationTests.Engines;

/// <summary>
/// A unix socket at <see cref="Path"/> whose every connection is forwarded to <paramref name="target"/>: the main engine
/// seen at another path (a rootless engine's <c>$XDG_RUNTIME_DIR/docker.sock</c>, a docker context's host).
/// </summary>
internal sealed class SocketForwarder : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _target;
    private readonly Task _accepting;

    public SocketForwarder(string path, string target)
    {
        Path = path;
        _target = target;
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(64);
        _accepting = AcceptAsync();
    }

    public string Path { get; }

    /// <summary>Connections forwarded so far: proof that a client used this path.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private int _connections;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_target), _stop.Token);
                await using var a = new NetworkStream(client, ownsSocket: false);
                await using var b = new NetworkStream(upstream, ownsSocket: false);
                // A side that finishes sending half-closes the other (the engine's attach closes stdin that way).
                await Task.WhenAll(Pipe(a, b, upstream), Pipe(b, a, client));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // The connection ends with the first side that goes.
            }
        }
    }

    private async Task Pipe(Stream from, Stream to, Socket toSocket)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            // Closed: end the other direction too.
            try
            {
                toSocket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception again) when (again is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        File.Delete(Path);
        _stop.Dispose();
    }
}
