using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>The gateway's routes over HTTP on loopback, against a started <c>fnpipe serve</c> on the real engine.</summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class GatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private HttpClient Client => fixture.Gateway.Client;

    [Fact]
    public async Task Invoke_Echo_Is200WithTheOutputCallIdAndTimings()
    {
        using var response = await Client.PostAsync("/invoke/echo", new StringContent("hello gateway"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("hello gateway");
        response.Headers.GetValues("Fn-Call-Id").Single().ShouldMatch("^[0-9a-f]{32}$");
        response.Headers.GetValues("Server-Timing").Single().ShouldMatch(@"^queue;dur=[0-9.]+, image;dur=[0-9.]+, create;dur=[0-9.]+, start;dur=[0-9.]+, run;dur=[0-9.]+, total;dur=[0-9.]+$");
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
    }

    [Fact]
    public async Task Invoke_UnknownFunction_Is404Json()
    {
        using var response = await Client.PostAsync("/invoke/nope", new StringContent("x"));

        await ShouldBeErrorAsync(response, HttpStatusCode.NotFound, "Function 'nope' not found: functions.yaml defines 'echo', 'slow', 'fs', 'hot-echo'");
    }

    [Fact]
    public async Task Invoke_BodyOverTheLimit_Is413Json()
    {
        using var response = await Client.PostAsync("/invoke/echo", new ByteArrayContent(new byte[GatewayFixture.MaxRequestBytes + 1]));

        await ShouldBeErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, $"Request body too large: the limit is {GatewayFixture.MaxRequestBytes} bytes");
    }

    [Fact]
    public async Task Invoke_ChunkedBodyOverTheLimit_Is413Json()
    {
        using var content = new StreamContent(new MemoryStream(new byte[GatewayFixture.MaxRequestBytes * 3]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invoke/echo") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await Client.SendAsync(request);

        await ShouldBeErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, $"Request body too large: the limit is {GatewayFixture.MaxRequestBytes} bytes");
    }

    [Fact]
    public async Task Invoke_BodyAtTheLimit_IsAccepted()
    {
        var body = new string('a', GatewayFixture.MaxRequestBytes);
        using var response = await Client.PostAsync("/invoke/echo", new StringContent(body));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe(body);
    }

    [Fact]
    public async Task Invoke_FunctionExitsNonZero_Is502Json()
    {
        using var response = await Client.PostAsync("/invoke/echo", new StringContent("!exit 3\n"));

        await ShouldBeErrorAsync(response, HttpStatusCode.BadGateway, "container exit code 3");
        response.Headers.GetValues("Fn-Call-Id").Single().ShouldMatch("^[0-9a-f]{32}$");
    }

    [Fact]
    public async Task Invoke_PastTheTimeout_Is504Json()
    {
        using var response = await Client.PostAsync("/invoke/slow", new StringContent("!sleep 10000\n"));

        response.StatusCode.ShouldBe(HttpStatusCode.GatewayTimeout);
        (await ErrorMessageAsync(response)).ShouldStartWith("Timed out");
    }

    [Fact]
    public async Task Invoke_OptionTheEngineRefuses_Is400Json()
    {
        using var response = await Client.PostAsync("/invoke/fs", new StringContent("x"));

        await ShouldBeErrorAsync(response, HttpStatusCode.BadRequest,
            "filesystem size (FsSizeMB=10) is not supported by this engine: --storage-opt is supported only for overlay over xfs with 'pquota' mount option");
    }

    [Fact]
    public async Task Invoke_Get_Is405Json()
    {
        using var response = await Client.GetAsync("/invoke/echo");

        await ShouldBeErrorAsync(response, HttpStatusCode.MethodNotAllowed, "Use POST to invoke a function (GET /invoke/echo)");
        response.Content.Headers.Allow.ShouldBe(["POST"]);
    }

    [Fact]
    public async Task UnknownRoute_Is404Json()
    {
        using var response = await Client.GetAsync("/nothing/here");

        await ShouldBeErrorAsync(response, HttpStatusCode.NotFound,
            "No route for GET /nothing/here: use POST /invoke/{name}, /t/{name}/..., GET /health or GET /metrics");
    }

    [Fact]
    public async Task Trigger_DefaultFormat_RunsLikeInvoke()
    {
        using var response = await Client.PutAsync("/t/echo/some/path?q=1", new StringContent("{\"a\":1}"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("{\"a\":1}");
        response.Content.Headers.ContentType!.ToString().ShouldBe("application/json; charset=utf-8");
    }

    [Fact]
    public async Task Trigger_HttpStream_AppliesTheFnHttpMapping()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/t/hot-echo/users/42?x=1")
        {
            Content = new StringContent("!status 201\nFn-Http-H-X-Result: made\nX-Internal: dropped", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("X-Caller", "test");

        using var response = await Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.GetValues("X-Result").Single().ShouldBe("made");
        response.Headers.Contains("X-Internal").ShouldBeFalse();
        response.Headers.Contains("Fn-Fdk-Version").ShouldBeFalse();
        response.Headers.GetValues("Fn-Call-Id").Single().ShouldMatch("^[0-9a-f]{32}$");
    }

    [Fact]
    public async Task Trigger_HttpStream_WrapsTheCallersHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/t/hot-echo/items/7") { Content = new StringContent("!headers\n") };
        request.Headers.Add("X-Caller", "test");

        using var response = await Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        lines.ShouldContain("Fn-Http-H-X-Caller: test");
        lines.ShouldContain("Fn-Http-Method: DELETE");
        lines.ShouldContain($"Fn-Http-Request-Url: {fixture.Gateway.Address}t/hot-echo/items/7");
        lines.ShouldContain("Fn-Intent: httprequest");
    }

    [Fact]
    public async Task Invoke_HttpStream_WithoutTraceExport_SendsNoTraceparentOfItsOwn_AndPassesTheCallersOn()
    {
        using var plain = await fixture.Gateway.Client.PostAsync("/invoke/hot-echo", new StringContent("!headers"));
        plain.StatusCode.ShouldBe(HttpStatusCode.OK);
        var seen = await plain.Content.ReadAsStringAsync();
        seen.ShouldContain("Fn-Call-Id: ");
        seen.ShouldNotContain("traceparent", Case.Insensitive);

        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invoke/hot-echo") { Content = new StringContent("!headers") };
        request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        using var traced = await fixture.Gateway.Client.SendAsync(request);
        traced.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await traced.Content.ReadAsStringAsync()).ShouldContain($"traceparent: {traceparent}");
    }

    [Fact]
    public async Task Health_Is200WithTheEngineReachable()
    {
        using var response = await Client.GetAsync("/health");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("status").GetString().ShouldBe("ok");
        json.RootElement.GetProperty("engine").GetString().ShouldBe("reachable");
        json.RootElement.GetProperty("functions").GetInt32().ShouldBe(4);
    }

    [Fact]
    public async Task Metrics_AfterAColdAndAHotCall_ArePrometheusTextWithCountsBucketsAndTheFunctionLabel()
    {
        using (var cold = await Client.PostAsync("/invoke/echo", new StringContent("count me")))
        {
            cold.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var hot = await Client.PostAsync("/invoke/hot-echo", new StringContent("count me hot")))
        {
            hot.StatusCode.ShouldBe(HttpStatusCode.OK, await hot.Content.ReadAsStringAsync());
        }

        using var response = await Client.GetAsync("/metrics");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        var metrics = PrometheusText.Parse(text);
        metrics.Types["fnpipeline_calls_total"].ShouldBe("counter", text);
        metrics.Types["fnpipeline_call_duration_seconds"].ShouldBe("histogram");
        metrics.Types["fnpipeline_stage_duration_seconds"].ShouldBe("histogram");
        metrics.Types["fnpipeline_queued"].ShouldBe("gauge");
        metrics.Types["fnpipeline_containers"].ShouldBe("gauge");

        // Other tests of this class share the gateway: at least this test's call, by its function and format.
        Calls(metrics, "echo", "default").ShouldBeGreaterThanOrEqualTo(1, text);
        Calls(metrics, "hot-echo", "http-stream").ShouldBeGreaterThanOrEqualTo(1, text);

        foreach (var (function, format) in new[] { ("echo", "default"), ("hot-echo", "http-stream") })
        {
            var buckets = metrics.Named("fnpipeline_call_duration_seconds_bucket")
                .Where(s => s.Labels["fnpipeline_function"] == function && s.Labels["fnpipeline_format"] == format && s.Labels["fnpipeline_status"] == "success")
                .ToList();
            // The advice's boundaries (seconds, 50 us to 300 s), not OpenTelemetry's millisecond defaults.
            buckets.Select(s => s.Labels["le"]).ShouldBe(
                ["5E-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "120", "300", "+Inf"],
                text);
            buckets.Select(s => s.Value).ShouldBeInOrder(SortDirection.Ascending);
            buckets[^1].Value.ShouldBe(Calls(metrics, function, format));
            // A call on loopback takes more than 50 us and (on any machine this runs on) less than 300 s.
            buckets[0].Value.ShouldBeLessThan(buckets[^1].Value);
            buckets[^2].Value.ShouldBe(buckets[^1].Value);
        }

        // Stage durations for both lanes: the cold call's container run, the hot call's request round trip.
        var stages = metrics.Named("fnpipeline_stage_duration_seconds_count").ToList();
        stages.ShouldContain(s => s.Labels["fnpipeline_function"] == "echo" && s.Labels["fnpipeline_stage"] == "run" && s.Value >= 1, text);
        stages.ShouldContain(s => s.Labels["fnpipeline_function"] == "hot-echo" && s.Labels["fnpipeline_stage"] == "run" && s.Value >= 1, text);
        stages.ShouldContain(s => s.Labels["fnpipeline_function"] == "hot-echo" && s.Labels["fnpipeline_stage"] == "queue" && s.Value >= 1, text);
        metrics.Named("fnpipeline_gateway_requests_total")
            .ShouldContain(s => s.Labels["fnpipeline_route"] == "invoke" && s.Labels["http_response_status_code"] == "200" && s.Value >= 2, text);
    }

    private static double Calls(PrometheusText metrics, string function, string format) =>
        metrics.Named("fnpipeline_calls_total")
            .Where(s => s.Labels["fnpipeline_function"] == function && s.Labels["fnpipeline_format"] == format && s.Labels["fnpipeline_status"] == "success")
            .Sum(s => s.Value);

    private static async Task ShouldBeErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType.ShouldBe(MediaTypeHeaderValue.Parse("application/json; charset=utf-8"));
        (await ErrorMessageAsync(response)).ShouldBe(message);
    }

    private static async Task<string?> ErrorMessageAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["message"]);
        return json.RootElement.GetProperty("message").GetString();
    }
}
