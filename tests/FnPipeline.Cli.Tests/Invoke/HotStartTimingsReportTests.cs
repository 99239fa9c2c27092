using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Invoke;

/// <summary>
/// A hot start that times out explains itself where a user looks: the CLI report's stage line and the gateway's
/// <c>Server-Timing</c> carry the launch's stages, the socket wait at its bound (<c>FNPIPELINE_HOT_START_TIMEOUT_MS</c>).
/// On the real engine, with the test function started as one that never listens.
/// </summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed partial class HotStartTimingsReportTests(EngineFixture engine)
{
    private const int SocketBoundMs = 2000;

    private static readonly Dictionary<string, string?> ShortSocketBound = new()
    {
        ["FNPIPELINE_HOT_START_TIMEOUT_MS"] = SocketBoundMs.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Invoke_HotFunctionNeverListens_ReportsTheLaunchsStagesWithTheSocketWait_Exit3()
    {
        var result = await Fnpipe.RunAsync(
            ["invoke", TestImages.TestFunction, .. TestRun.LabelArguments, "--format", "http-stream", "--", "--never-listen"],
            "x",
            ShortSocketBound);

        result.ExitCode.ShouldBe(3, result.StandardError);
        result.StandardError.ShouldContain("504 ContainerInitTimeout: container initialization timed out: no socket after 2 s", Case.Sensitive, result.StandardError);
        var stages = StagesLine().Match(result.StandardError);
        stages.Success.ShouldBeTrue(result.StandardError);
        Ms(stages, "create").ShouldBeGreaterThan(0, result.StandardError);
        Ms(stages, "start").ShouldBeGreaterThan(0, result.StandardError);
        // The timer that ends the wait may fire a hair before the bound (CI saw 1999.6 ms).
        Ms(stages, "socket").ShouldBeGreaterThanOrEqualTo(SocketBoundMs - 10, result.StandardError);
        Ms(stages, "run").ShouldBe(0, result.StandardError);
        (await engine.RunContainersAsync()).ShouldBeEmpty("the launch's container is removed before fnpipe exits");
    }

    [Fact]
    public async Task Gateway_HotFunctionNeverListens_Is504WithTheSocketWaitInServerTiming()
    {
        var yaml = $"""
            app: cli-tests
            functions:
              - name: deaf
                image: {TestImages.TestFunction}
                format: http-stream
                cmd: ["--never-listen"]
                labels: {TestRun.YamlLabels}
            """;
        await using (var gateway = await GatewayProcess.StartAsync(yaml, FnPipeline.Cli.Tests.Gateway.GatewayFixture.WholeAnswers, ShortSocketBound))
        {
            using var response = await gateway.Client.PostAsync("/invoke/deaf", new StringContent("x"));

            response.StatusCode.ShouldBe(HttpStatusCode.GatewayTimeout);
            var timing = response.Headers.GetValues("Server-Timing").Single();
            var stages = ServerTimingHeader().Match(timing);
            stages.Success.ShouldBeTrue(timing);
            Ms(stages, "create").ShouldBeGreaterThan(0, timing);
            Ms(stages, "start").ShouldBeGreaterThan(0, timing);
            Ms(stages, "socket").ShouldBeGreaterThanOrEqualTo(SocketBoundMs - 10, timing);
            Ms(stages, "run").ShouldBe(0, timing);
            (await response.Content.ReadAsStringAsync()).ShouldContain("no socket after 2 s");
        }

        (await engine.RunContainersAsync()).ShouldBeEmpty("the gateway removes every container before it exits");
    }

    private static double Ms(Match match, string stage) => double.Parse(match.Groups[stage].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^fnpipe: stages: queue [0-9.]+ ms, image [0-9.]+ ms, create (?<create>[0-9.]+) ms, start (?<start>[0-9.]+) ms, socket wait (?<socket>[0-9.]+) ms, run (?<run>[0-9.]+) ms, cleanup ", RegexOptions.Multiline)]
    private static partial Regex StagesLine();

    [GeneratedRegex(@"^queue;dur=[0-9.]+, image;dur=[0-9.]+, create;dur=(?<create>[0-9.]+), start;dur=(?<start>[0-9.]+), socket;dur=(?<socket>[0-9.]+), run;dur=(?<run>[0-9.]+), total;dur=[0-9.]+$")]
    private static partial Regex ServerTimingHeader();
}
