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

    /// <summary>POST /call with the body, the whole response read into an array.</summary>
    public static async Task<int> PostCallAsync(HttpClient client, byte[] body, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(body);
        using var response = await client.PostAsync("call", content, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode && bytes.Length == body.Length
            ? bytes.Length
            : throw new InvalidOperationException($"POST /call: {(int)response.StatusCode}, {bytes.Length} bytes");
    }
}
