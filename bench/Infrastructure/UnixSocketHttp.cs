using System.Globalization;
using System.Net.Sockets;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>The plain <see cref="HttpClient"/> a program would write to talk HTTP over a unix socket: the baseline.</summary>
internal static class UnixSocketHttp
{
    public static HttpClient CreatePlainClient(string socketPath) => new(new SocketsHttpHandler
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
    })
    {
        BaseAddress = new Uri("http://localhost/"),
    };

    /// <summary>
    /// The request the executor sends, written the plain way: <c>POST /call</c> with the body, <c>Fn-Call-Id</c> and
    /// <c>Fn-Deadline</c>; the whole response read into an array.
    /// </summary>
    public static async Task<int> PostCallAsync(HttpClient client, byte[] body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "call") { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation("Fn-Call-Id", Guid.CreateVersion7().ToString("N"));
        request.Headers.TryAddWithoutValidation("Fn-Deadline", DateTime.UtcNow.AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        using var response = await client.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode && bytes.Length == body.Length
            ? bytes.Length
            : throw new InvalidOperationException($"POST /call: {(int)response.StatusCode}, {bytes.Length} bytes");
    }
}
