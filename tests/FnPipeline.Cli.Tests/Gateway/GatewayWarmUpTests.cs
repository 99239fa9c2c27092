using System.Net;
using FnPipeline.Cli.Gateway;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>
/// <c>fnpipe serve --warm-up</c> on the real engine: what each mode starts before the listening line, that the answers
/// after it are the function's, and that the stop leaves no container.
/// </summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class GatewayWarmUpTests(EngineFixture engine)
{
    [Fact]
    public async Task Hot_StartsTheHotFunctionsFirstContainerBeforeListening_AnswersUnchanged_NothingLeft()
    {
        var (yaml, label) = Functions();
        var gateway = await GatewayProcess.StartAsync(yaml, ["--warm-up", "hot"]);
        try
        {
            // Listening means the warm-up is over: the hot function's container is there, the cold one ran none. (Its
            // log line is on stderr, which may be read after the listening line on stdout.)
            await Eventually.HoldsAsync(() => gateway.Stderr.Contains("Warm-up (Hot) done", StringComparison.Ordinal), "the warm-up's line is logged");
            gateway.Stderr.ShouldContain(
                $"{GatewayWarmUp.GatewayRounds * 3} gateway request(s), 1 of 1 function call(s) answered 2xx, {GatewayWarmUp.HotRounds * GatewayWarmUp.CallsPerHotRound} repeat call(s)",
                Case.Sensitive, gateway.Stderr);
            var warmed = await Containers.ListByLabelAsync(engine.Client, label);
            warmed.Count.ShouldBe(1, gateway.Stderr);

            (await CallAsync(gateway, "hot-echo", "after the warm-up")).ShouldBe("after the warm-up");

            // The first real call used the warmed container rather than a new one.
            (await Containers.ListByLabelAsync(engine.Client, label)).ShouldBe(warmed);
            (await CallAsync(gateway, "cold-echo", "cold after the warm-up")).ShouldBe("cold after the warm-up");
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        gateway.ExitCode.ShouldBe(0, gateway.Stderr);
        await Eventually.HoldsAsync(async () => (await Containers.ListByLabelAsync(engine.Client, label)).Count == 0,
            TimeSpan.FromSeconds(30), "no container of the warm-up test remains");
    }

    [Fact]
    public async Task Default_IsTheGatewayWarmUp_WhichStartsNoContainer()
    {
        var (yaml, label) = Functions();
        var gateway = await GatewayProcess.StartAsync(yaml);
        try
        {
            await Eventually.HoldsAsync(() => gateway.Stderr.Contains("Warm-up (Gateway) done", StringComparison.Ordinal), "the warm-up's line is logged");
            gateway.Stderr.ShouldContain("0 of 0 function call(s)", Case.Sensitive, gateway.Stderr);
            (await Containers.ListByLabelAsync(engine.Client, label)).ShouldBeEmpty();
            (await CallAsync(gateway, "hot-echo", "first call")).ShouldBe("first call");
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        gateway.ExitCode.ShouldBe(0, gateway.Stderr);
    }

    [Fact]
    public async Task Off_FromTheVariable_SendsNothing()
    {
        var (yaml, _) = Functions();
        var gateway = await GatewayProcess.StartAsync(yaml, environment: new Dictionary<string, string?> { [WarmUpModes.EnvironmentVariable] = "off" });
        try
        {
            (await CallAsync(gateway, "hot-echo", "unwarmed")).ShouldBe("unwarmed");
            gateway.Stderr.ShouldNotContain("Warm-up", Case.Sensitive, gateway.Stderr);
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        gateway.ExitCode.ShouldBe(0, gateway.Stderr);
    }

    [Fact]
    public async Task MalformedVariable_IsAUsageErrorNamingIt()
    {
        var (yaml, _) = Functions();
        var directory = Directory.CreateTempSubdirectory("fnpipe-warm-").FullName;
        try
        {
            var file = Path.Combine(directory, "functions.yaml");
            await File.WriteAllTextAsync(file, yaml);
            var result = await Fnpipe.RunAsync(["serve", "--functions", file, "--urls", "http://127.0.0.1:0"],
                environment: new Dictionary<string, string?> { [WarmUpModes.EnvironmentVariable] = "lukewarm" });

            result.ExitCode.ShouldBe(2, result.StandardError);
            result.StandardError.ShouldContain("FNPIPELINE_SERVE_WARM_UP='lukewarm' is not a warm-up mode: use off, gateway or hot");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (string Yaml, string Label) Functions()
    {
        var label = $"fnpipeline.test.warmup={Guid.NewGuid():N}";
        var labels = $"{{ \"fnpipeline.test\": \"1\", \"{TestRun.RunLabelKey}\": \"{TestRun.Id}\", \"fnpipeline.test.warmup\": \"{label[(label.IndexOf('=') + 1)..]}\" }}";
        var yaml = $"""
            app: cli-tests
            functions:
              - name: cold-echo
                image: {TestImages.TestFunction}
                labels: {labels}
              - name: hot-echo
                image: {TestImages.TestFunction}
                format: http-stream
                labels: {labels}
            """;
        return (yaml, label);
    }

    private static async Task<string> CallAsync(GatewayProcess gateway, string function, string body)
    {
        using var response = await gateway.Client.PostAsync($"/invoke/{function}", new StringContent(body));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return text;
    }
}
