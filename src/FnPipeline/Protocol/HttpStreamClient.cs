using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FnPipeline.Protocol;

/// <summary>
/// The HTTP client of one hot container: a <see cref="SocketsHttpHandler"/> whose connections are the container's
/// unix socket, with at most one connection (the contract serves one call at a time), no proxy, cookies, redirects,
/// decompression or trace headers. Disposed with its container.
/// </summary>
internal sealed class HttpStreamClient : IDisposable
{
    private static readonly TimeSpan MaxRefusedRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly HttpMessageInvoker _invoker;

    public HttpStreamClient(string socketPath, HttpStreamClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SocketPath = socketPath;
        Options = options;
        var endpoint = new UnixDomainSocketEndPoint(socketPath);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, cancellationToken) => ConnectAsync(endpoint, options.RefusedConnectRetry, cancellationToken),
            ConnectTimeout = options.ConnectTimeout,
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxResponseHeadersLength = (options.MaxResponseHeaderBytes + 1023) / 1024,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,

            // Fn sends no trace propagation headers; without a propagator the handler also skips its diagnostics layer.
            ActivityHeadersPropagator = null,
        };
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public string SocketPath { get; }

    public HttpStreamClientOptions Options { get; }

    /// <summary>Sends the request; returns once the response headers are read (the body streams afterwards).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) =>
        _invoker.SendAsync(request, cancellationToken);

    public void Dispose() => _invoker.Dispose();

    /// <summary>
    /// A function that binds <c>lsnr.sock</c> itself (the contract allows it) makes the file appear at bind, a moment
    /// before it listens: a connection in between is refused. Refusals are retried briefly (0.75 s by default);
    /// a socket nobody will ever listen on is left to the call's failure path, which reads the container's exit.
    /// </summary>
    private static async ValueTask<Stream> ConnectAsync(UnixDomainSocketEndPoint endpoint, TimeSpan retryFor, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused && Stopwatch.GetElapsedTime(started) < retryFor)
            {
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRefusedRetryDelay.Ticks));
        }
    }
}
