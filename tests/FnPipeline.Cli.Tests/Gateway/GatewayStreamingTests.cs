using System.Net;
using System.Net.Http.Headers;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>One <c>fnpipe serve</c> for the streaming tests: 200 MiB request limit, large and capped functions of both formats.</summary>
public sealed class StreamingGatewayFixture : IAsyncLifetime
{
    public const long CapBytes = 1024 * 1024;

    private GatewayProcess? _gateway;

    public GatewayProcess Gateway => _gateway ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var yaml = $"""
            app: cli-stream-tests
            functions:
              - name: cold
                image: {TestImages.TestFunction}
                timeout: 180s
                max_output_bytes: 209715200
                labels: {TestRun.YamlLabels}
              - name: hot
                image: {TestImages.TestFunction}
                format: http-stream
                timeout: 180s
                max_output_bytes: 209715200
                labels: {TestRun.YamlLabels}
              - name: cold-capped
                image: {TestImages.TestFunction}
                max_output_bytes: {CapBytes}
                labels: {TestRun.YamlLabels}
              - name: hot-capped
                image: {TestImages.TestFunction}
                format: http-stream
                max_output_bytes: {CapBytes}
                labels: {TestRun.YamlLabels}
            """;
        _gateway = await GatewayProcess.StartAsync(yaml, ["--max-request-bytes", (200L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        _gateway.Client.Timeout = TimeSpan.FromMinutes(5);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}

/// <summary>
/// Streaming through the gateway on the real engine: 100 MB byte-exact in both directions (cold and hot), the first
/// chunk of a slow function before its last one, a cap hit after the head (connection aborted, call failed).
/// </summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class GatewayStreamingTests(StreamingGatewayFixture fixture) : IClassFixture<StreamingGatewayFixture>
{
    private const long HundredMegabytes = 100L * 1000 * 1000;

    private HttpClient Client => fixture.Gateway.Client;

    [Theory]
    [InlineData("cold")]
    [InlineData("hot")]
    public async Task Upload100MB_ReachesTheFunctionByteExact(string function)
    {
        using var content = new StreamContent(TestPattern.Open(HundredMegabytes, "!hash\n"), 64 * 1024);

        using var response = await Client.PostAsync($"/invoke/{function}", content);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe(TestPattern.HashLine(HundredMegabytes));
    }

    [Theory]
    [InlineData("cold")]
    [InlineData("hot")]
    public async Task Download100MB_ReachesTheClientByteExact_Streamed(string function)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/invoke/{function}") { Content = new StringContent($"!pattern {HundredMegabytes}\n") };

        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.TransferEncodingChunked.ShouldBe(true, "a streamed output has no Content-Length");
        await using var body = await response.Content.ReadAsStreamAsync();
        (await TestPattern.HashAsync(body)).ShouldBe(TestPattern.HashLine(HundredMegabytes));
    }

    [Theory]
    [InlineData("cold")]
    [InlineData("hot")]
    public async Task SlowOutput_FirstChunkArrivesBeforeTheFunctionWroteItsLast(string function)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/invoke/{function}") { Content = new StringContent("!chunks 10 100\n") };

        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var times = await ChunkLines.ReadAsync(body);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        times.Lines.Count.ShouldBe(10);
        times.Lines[0].ShouldStartWith("chunk 1/10 at ");

        // Buffered, the first byte could only leave after the last line was written; streamed, it arrives ~0.9 s earlier.
        times.FirstReceivedAt.ShouldBeLessThan(times.WrittenAt[^1], $"first chunk received at {times.FirstReceivedAt}, lines written at {string.Join(", ", times.WrittenAt)}");
    }

    [Theory]
    [InlineData("cold-capped")]
    [InlineData("hot-capped")]
    public async Task CapHitAfterTheHead_AbortsTheConnection_AndTheCallIsLoggedFailed(string function)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/invoke/{function}") { Content = new StringContent($"!pattern {StreamingGatewayFixture.CapBytes * 10}\n") };

        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, "the head went out with the first bytes");
        var callId = response.Headers.GetValues("Fn-Call-Id").Single();
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = 0L;
        var cut = await Should.ThrowAsync<Exception>(async () =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                received += read;
            }
        });

        cut.ShouldBeAssignableTo<IOException>($"got {cut.GetType()}: {cut.Message}");
        received.ShouldBeLessThanOrEqualTo(StreamingGatewayFixture.CapBytes);
        await Eventually.HoldsAsync(() => fixture.Gateway.Stderr.Contains($"call {callId} failed after its output began (502", StringComparison.Ordinal));
        fixture.Gateway.Stderr.ShouldContain($"{StreamingGatewayFixture.CapBytes} bytes");
    }
}
