using System.Net.Sockets;

namespace FnPipeline.Testing.Sockets;

/// <summary>
/// The one <see cref="HttpClient"/> over a unix-domain socket of tests, bench and load tests: every connection the
/// handler opens is a new connection to the socket.
/// </summary>
public static class UnixSocketHttp
{
    /// <summary>The plain client a program would write (the bare baseline's): defaults except no proxy.</summary>
    public static HttpClient CreatePlainClient(string socketPath) => new(CreateHandler(socketPath)) { BaseAddress = new Uri("http://localhost/") };

    /// <summary>
    /// A test's client: one connection at a time (the test function serves one at a time), no cookies, redirects or
    /// decompression between the test and the bytes, and a 30 s bound on each request.
    /// </summary>
    public static HttpClient CreateTestClient(string socketPath)
    {
        var handler = CreateHandler(socketPath);
        handler.MaxConnectionsPerServer = 1;
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);
        handler.UseCookies = false;
        handler.AllowAutoRedirect = false;
        handler.AutomaticDecompression = System.Net.DecompressionMethods.None;
        return new HttpClient(handler) { BaseAddress = new Uri("http://localhost/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Whether the socket accepts a connection now (false while nothing listens on it).</summary>
    public static async Task<bool> AcceptsAsync(string socketPath, CancellationToken cancellationToken = default)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            return false;
        }
    }

    private static SocketsHttpHandler CreateHandler(string socketPath) => new()
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        UseProxy = false,
    };
}
