using System.Net.Sockets;
using System.Text;
using FnPipeline.Protocol;

namespace FnPipeline.Tests.Protocol;

/// <summary>The client against a real unix socket whose owner binds it before it listens (a direct bind).</summary>
public sealed class HttpStreamClientConnectTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fnp-connect-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task SocketBoundButNotYetListening_TheCallWaitsForTheListener()
    {
        var path = Path.Join(_directory, "lsnr.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        // A long retry budget so a late timer on a loaded machine cannot outlast it; the default is covered below.
        using var client = new HttpStreamClient(path, new HttpStreamClientOptions { RefusedConnectRetry = TimeSpan.FromSeconds(20) });

        var call = client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://localhost/call") { Content = new StringContent("x") });
        // Part of the scenario, not a wait for a state: the function listens a moment after binding, so the client's first
        // attempts meet a refusal (the test holds whatever the timing; the client exposes no signal of an attempt).
        await Task.Delay(150);
        listener.Listen(1);
        using var noConnection = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using (var accepted = await listener.AcceptAsync(noConnection.Token))
        {
            await ReadHeadersAsync(accepted);
            await accepted.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
            using var response = await call.WaitAsync(TimeSpan.FromSeconds(10));

            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldBe("ok");
        }
    }

    [Fact]
    public async Task NobodyEverListens_TheRefusalSurfacesWithinAboutASecond()
    {
        var path = Path.Join(_directory, "lsnr.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        using var client = new HttpStreamClient(path, new HttpStreamClientOptions());

        var error = await Should.ThrowAsync<HttpRequestException>(
            () => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://localhost/call")).WaitAsync(TimeSpan.FromSeconds(30)));

        error.InnerException.ShouldBeOfType<SocketException>().SocketErrorCode.ShouldBe(SocketError.ConnectionRefused);
    }

    private static async Task ReadHeadersAsync(Socket socket)
    {
        var buffer = new byte[4096];
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer);
            if (read == 0)
            {
                return;
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}
