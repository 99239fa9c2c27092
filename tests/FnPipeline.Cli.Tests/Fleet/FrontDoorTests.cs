using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FnPipeline.Cli.Tests.Infrastructure;
using FnPipeline.Testing.Fleet;

namespace FnPipeline.Cli.Tests.Fleet;

/// <summary>
/// <c>fnpipe serve --nats</c>, the fleet's front door with no engine of its own, in front of a <c>fnpipe node</c> on a
/// node engine of the fleet (scripts/fleet-up.sh): cold, hot and failing calls, a detached call and its result, an
/// unknown result id, and NATS unreachable.
/// </summary>
[Collection(FleetCliCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class FrontDoorTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private static string FunctionsYaml { get; } = $"""
        app: front-door-tests
        functions:
          - name: cold
            image: {TestImages.TestFunction}
            labels: {TestRun.YamlLabels}
          - name: hot
            image: {TestImages.TestFunction}
            format: http-stream
            labels: {TestRun.YamlLabels}
        """;

    [Fact]
    public async Task FrontDoor_RunsColdHotAndFailingCalls_AndADetachedCallWhoseResultIsFetched()
    {
        await using var kit = new FleetCliKit("clidoor");
        var nodeId = $"door-{Guid.NewGuid():N}"[..16];
        await using var node = await NodeProcess.StartAsync(FleetCliKit.NatsUrl, kit.Fleet, nodeId, FleetFixture.Nodes[1].Endpoint, ["--max-in-flight", "4"]);
        await using var gateway = await GatewayProcess.StartAsync(FunctionsYaml, ["--nats", FleetCliKit.NatsUrl, "--fleet", kit.Fleet, .. Gateway.GatewayFixture.WholeAnswers]);
        var http = gateway.Client;

        using (var health = await http.GetAsync(new Uri("/health", UriKind.Relative)))
        {
            health.StatusCode.ShouldBe(HttpStatusCode.OK, await health.Content.ReadAsStringAsync());
            using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
            body.RootElement.GetProperty("nats").GetString().ShouldBe("connected");
            body.RootElement.GetProperty("fleet").GetString().ShouldBe(kit.Fleet);
        }

        (await PostAsync(http, "cold", "cold through the fleet")).ShouldBe((HttpStatusCode.OK, "cold through the fleet"));
        (await PostAsync(http, "hot", "hot one")).ShouldBe((HttpStatusCode.OK, "hot one"));
        (await PostAsync(http, "hot", "hot two")).ShouldBe((HttpStatusCode.OK, "hot two"));
        var (failedStatus, failedBody) = await PostAsync(http, "cold", "!exit 3\nbroken");
        failedStatus.ShouldBe(HttpStatusCode.BadGateway, failedBody);

        // Detached: 202 with the id and where its result will be; the result is the call's own answer once stored.
        using var detached = new HttpRequestMessage(HttpMethod.Post, new Uri("/invoke/cold", UriKind.Relative)) { Content = new StringContent("done later") };
        detached.Headers.Add("Fn-Invoke-Type", "detached");
        using var accepted = await http.SendAsync(detached);
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        var callId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("callId").GetString()!;
        accepted.Headers.Location!.ToString().ShouldBe($"/results/{callId}");
        accepted.Headers.GetValues("Fn-Call-Id").ShouldBe([callId]);

        HttpStatusCode resultStatus = 0;
        var resultBody = "";
        await Eventually.HoldsAsync(async () =>
        {
            using var result = await http.GetAsync(accepted.Headers.Location);
            resultStatus = result.StatusCode;
            resultBody = await result.Content.ReadAsStringAsync();
            resultStatus.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.Accepted);
            return resultStatus == HttpStatusCode.OK;
        }, Generous, $"the result of detached call {callId} is stored");
        resultBody.ShouldBe("done later");

        using var unknown = await http.GetAsync(new Uri($"/results/{Guid.NewGuid():N}", UriKind.Relative));
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadAsStringAsync()).ShouldContain("message");
    }

    [Fact]
    public async Task FrontDoor_WithNatsUnreachable_StartsAndAnswers503_ForCallsDetachedCallsAndHealth()
    {
        // Port 1 on loopback: nothing listens, every connect is refused at once.
        await using var gateway = await GatewayProcess.StartAsync(FunctionsYaml, ["--nats", "nats://127.0.0.1:1", "--fleet", "nowhere"]);
        var http = gateway.Client;

        var (status, body) = await PostAsync(http, "cold", "is anyone there?");
        status.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
        body.ShouldContain("nats://127.0.0.1:1");

        using var detached = new HttpRequestMessage(HttpMethod.Post, new Uri("/invoke/cold", UriKind.Relative)) { Content = new StringContent("later?") };
        detached.Headers.Add("Fn-Invoke-Type", "detached");
        using var refused = await http.SendAsync(detached);
        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, await refused.Content.ReadAsStringAsync());

        using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("\"nats\":\"unreachable\"");
    }

    [Fact]
    public async Task FrontDoor_NatsLostMidRun_Answers503_ThenServesAgainWithoutARestart()
    {
        // A NATS server of the test's own (the fleet's cluster stays up for the other tests); no JetStream: --sync-only.
        await using var nats = await NatsServerProcess.StartAsync();
        var fleet = $"lost{Guid.NewGuid():N}"[..16];
        await using var node = await NodeProcess.StartAsync(nats.Url, fleet, $"lost-{Guid.NewGuid():N}"[..16], FleetFixture.Nodes[2].Endpoint, ["--sync-only"]);
        await using var gateway = await GatewayProcess.StartAsync(FunctionsYaml, ["--nats", nats.Url, "--fleet", fleet, .. Gateway.GatewayFixture.WholeAnswers]);
        var http = gateway.Client;
        (await PostAsync(http, "cold", "before")).ShouldBe((HttpStatusCode.OK, "before"));

        await nats.KillAsync();
        using (var lost = await http.PostAsync(new Uri("/invoke/cold", UriKind.Relative), new StringContent("while NATS is down")))
        {
            lost.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, await lost.Content.ReadAsStringAsync());
            lost.Headers.Contains("Retry-After").ShouldBeTrue();
            (await lost.Content.ReadAsStringAsync()).ShouldContain("NATS");
        }

        // Back on the same port: the front door and the node reconnect on their own, no restart.
        await nats.StartAgainAsync();
        var last = (HttpStatusCode)0;
        await Eventually.HoldsAsync(async () =>
        {
            (last, var body) = await PostAsync(http, "cold", "after");
            return last == HttpStatusCode.OK && body == "after";
        }, Generous, "a call through the front door succeeds again after NATS came back");
        last.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Serve_WithAFleetOptionButNoNats_IsAUsageError()
    {
        var result = await Fnpipe.RunAsync(["serve", "--functions", "functions.yaml", "--fleet", "blue"]);
        result.ExitCode.ShouldBe(2, result.StandardError);
        result.StandardError.ShouldContain("--nats");
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient http, string function, string input)
    {
        using var response = await http.PostAsync(new Uri($"/invoke/{function}", UriKind.Relative), new StringContent(input));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
