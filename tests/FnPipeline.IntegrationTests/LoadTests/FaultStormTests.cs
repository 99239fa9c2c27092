using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet.Models;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.LoadTests;

/// <summary>
/// A short run of the load tests' fault storm (<c>--scenario faults</c>, docs/operations.md "Fault storm") as a
/// process, on the real engine: echoes, timeouts, exits, OOMs, disconnects and container kills on both lanes, then
/// its own checks (no container, socket directory, slot or gauge left; no call past its bound; no 500; every call
/// answered as its kind expects).
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class FaultStormTests(EngineFixture engine)
{
    private const int Calls = 60;

    /// <summary>60 calls take about 20 s on a loaded 2-core machine; the storm bounds each call itself.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(240);

    private static string LoadTestsDll => Path.Combine(AppContext.BaseDirectory, "FnPipeline.LoadTests.dll");

    [Fact]
    public async Task SixtyCallStorm_LeavesNothingBehind_AndAnswersEveryCallAsExpectedWithinItsBound()
    {
        var reportDirectory = Directory.CreateTempSubdirectory("fnstorm-").FullName;
        string? instanceId = null;
        try
        {
            using var timeout = new CancellationTokenSource(RunTimeout);
            var run = await Cli.Wrap("dotnet")
                .WithArguments(
                [
                    "exec", LoadTestsDll, "--scenario", "faults", "--calls", $"{Calls}", "--concurrency", "6", "--out", reportDirectory,
                    "--label", TestRun.TestLabel, "--label", TestRun.RunLabel,
                ])
                .WithEnvironmentVariables(env => env.Set("DOCKER_HOST", engine.Endpoint.ToString()).Set("DOTNET_NOLOGO", "1"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
            var reportFile = Path.Combine(reportDirectory, "report.json");
            File.Exists(reportFile).ShouldBeTrue($"no report (exit {run.ExitCode}):\n{run.StandardOutput}\n{run.StandardError}");
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(reportFile));
            var root = report.RootElement;
            instanceId = root.GetProperty("instanceId").GetString();

            var failed = root.GetProperty("checks").EnumerateArray()
                .Where(c => !c.GetProperty("passed").GetBoolean())
                .Select(c => $"{c.GetProperty("name").GetString()}: {c.GetProperty("detail").GetString()}")
                .ToList();
            failed.ShouldBeEmpty($"the storm's checks failed:\n{run.StandardOutput}");
            run.ExitCode.ShouldBe(0, run.StandardError);

            // The mix really was a storm: every kind on both lanes, three calls each (60 calls = 3 cycles of 20).
            root.GetProperty("calls").GetArrayLength().ShouldBe(Calls);
            var outcomes = root.GetProperty("outcomes").EnumerateArray()
                .Where(o => o.GetProperty("kind").GetString() != "Echo")
                .ToDictionary(o => $"{o.GetProperty("kind").GetString()} {o.GetProperty("lane").GetString()}", o => o.GetProperty("calls").GetInt64());
            outcomes.Keys.Order(StringComparer.Ordinal).ShouldBe(
            [
                "Disconnect Cold", "Disconnect Hot", "Exit Cold", "Exit Hot", "Kill Cold", "Kill Hot",
                "OutOfMemory Cold", "OutOfMemory Hot", "Timeout Cold", "Timeout Hot",
            ]);
            outcomes.Values.ShouldAllBe(count => count == 3);
            root.GetProperty("calls").EnumerateArray()
                .Count(c => c.GetProperty("kind").GetString() == "Kill" && c.GetProperty("note").GetString()!.StartsWith("killed", StringComparison.Ordinal))
                .ShouldBe(6, "every kill call's container was killed mid-call");
        }
        finally
        {
            await RemoveLeftoversAsync(instanceId);
            Directory.Delete(reportDirectory, recursive: true);
        }
    }

    /// <summary>A failed storm may leave containers: remove them, so that only this test fails.</summary>
    private async Task RemoveLeftoversAsync(string? instanceId)
    {
        if (instanceId is null)
        {
            return;
        }

        foreach (var id in await Containers.ListByLabelAsync(engine.Client, $"fnpipeline.instance={instanceId}"))
        {
            await engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
        }
    }
}
