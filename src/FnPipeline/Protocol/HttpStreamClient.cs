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
    private EarlyAnswerStream? _connection;

    public HttpStreamClient(string socketPath, HttpStreamClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        SocketPath = socketPath;
        Options = options;
        var endpoint = new UnixDomainSocketEndPoint(socketPath);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var connection = await ConnectAsync(endpoint, options.RefusedConnectRetry, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _connection, connection);
                return connection;
            },
            ConnectTimeout = options.ConnectTimeout,
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxResponseHeadersLength = (options.MaxResponseHeaderBytes + 1023) / 1024,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,

            // The request factory writes traceparent itself (the call's span); without a propagator the handler also
            // skips its diagnostics layer, so no second header and no per-request activity.
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
    /// After an exchange: when the function answered before reading the whole request body, closes that connection
    /// (the unread rest would be taken for the next request), so the next call connects anew. The container stays.
    /// </summary>
    /// <returns>Whether the request body was cut short.</returns>
    public bool DropConnectionIfRequestCut()
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is not { RequestCut: true })
        {
            return false;
        }

        Interlocked.CompareExchange(ref _connection, null, connection);
        connection.Abandon();
        return true;
    }

    /// <summary>
    /// A function that binds <c>lsnr.sock</c> itself (the contract allows it) makes the file appear at bind, a moment
    /// before it listens: a connection in between is refused. Refusals are retried briefly (0.75 s by default);
    /// a socket nobody will ever listen on is left to the call's failure path, which reads the container's exit.
    /// </summary>
    private static async ValueTask<EarlyAnswerStream> ConnectAsync(UnixDomainSocketEndPoint endpoint, TimeSpan retryFor, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
#pragma warning disable CA2000 // Disposed on every failure below; on success the returned stream owns it.
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
#pragma warning restore CA2000
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                return new EarlyAnswerStream(socket);
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
