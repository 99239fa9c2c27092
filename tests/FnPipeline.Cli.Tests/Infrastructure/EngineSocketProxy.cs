using System.Net.Sockets;

namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>
/// A unix socket that forwards every connection to the real engine's socket, byte for byte, until <see cref="CutAsync"/>:
/// then the engine is unreachable through it (connections dropped, new ones refused) until <see cref="Restore"/>.
/// Lets a test take the engine away from a running gateway without touching the engine others use.
/// </summary>
public sealed class EngineSocketProxy : IAsyncDisposable
{
    private readonly string _engineSocket;
    private readonly string _directory = Directory.CreateTempSubdirectory("fnpipe-proxy-").FullName;
    private readonly List<Socket> _open = [];
    private readonly CancellationTokenSource _disposed = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;

    public EngineSocketProxy(Uri engine)
    {
        if (engine.Scheme != "unix")
        {
            throw new ArgumentException($"The proxy forwards to a unix socket; the engine is at {engine}", nameof(engine));
        }

        _engineSocket = engine.LocalPath;
        Restore();
    }

    public string SocketPath => Path.Combine(_directory, "docker.sock");

    /// <summary>The endpoint to give the process under test.</summary>
    public string Endpoint => "unix://" + SocketPath;

    /// <summary>Starts forwarding (again) on the same path.</summary>
    public void Restore()
    {
        File.Delete(SocketPath);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen(64);
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    /// <summary>Stops listening, removes the socket file and drops every forwarded connection.</summary>
    public async Task CutAsync()
    {
        _listener?.Dispose();
        _listener = null;
        File.Delete(SocketPath);
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }

            _open.Clear();
        }

        await _accepting;
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        await CutAsync();
        _disposed.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_disposed.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        lock (_open)
        {
            _open.Add(client);
            _open.Add(engine);
        }

        try
        {
            await engine.ConnectAsync(new UnixDomainSocketEndPoint(_engineSocket), _disposed.Token);
            await using var fromClient = new NetworkStream(client, ownsSocket: false);
            await using var toEngine = new NetworkStream(engine, ownsSocket: false);
            // Both directions to their end: an attached call half-closes stdin and still reads the output.
            await Task.WhenAll(PumpAsync(fromClient, toEngine, engine), PumpAsync(toEngine, fromClient, client));
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(engine);
            }

            client.Dispose();
            engine.Dispose();
        }
    }

    /// <summary>Copies until end of stream, then half-closes the other side so the peer sees the end too.</summary>
    private async Task PumpAsync(Stream from, Stream to, Socket toSocket)
    {
        try
        {
            await from.CopyToAsync(to, _disposed.Token);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }
}
