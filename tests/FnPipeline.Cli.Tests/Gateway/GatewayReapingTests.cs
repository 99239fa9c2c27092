using System.Net;
using Docker.DotNet.Models;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>
/// A gateway killed with SIGKILL mid-load leaves containers and socket directories; the next executor on the host
/// removes them (its owner lock is free), while a live gateway on the same engine and socket base loses nothing.
/// </summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class GatewayReapingTests(EngineFixture engine)
{
    private static readonly string FunctionsYaml = $"""
        app: cli-reaping
        functions:
          - name: sleepy
            image: {TestImages.TestFunction}
            timeout: 2m
            labels: {TestRun.YamlLabels}
          - name: hot
            image: {TestImages.TestFunction}
            format: http-stream
            timeout: 2m
            idle_timeout: 10m
            labels: {TestRun.YamlLabels}
        """;

    [Fact]
    public async Task KilledGateway_LeftoversAreReapedByTheNextExecutor_ALiveGatewayLosesNothing()
    {
        var socketBase = Directory.CreateDirectory(Path.Join("/tmp", "fnpk-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var run = Guid.NewGuid().ToString("N")[..8];
        var bystander = await StartAsync(socketBase, $"bystander-{run}");
        var victim = await StartAsync(socketBase, $"victim-{run}");
        try
        {
            // The bystander has a hot container, idle between calls.
            await CallAsync(bystander, "/invoke/hot", "before");
            var bystanderContainers = await ContainersAsync($"bystander-{run}");
            bystanderContainers.Count.ShouldBe(1);
            var bystanderLock = LockPathOf(bystanderContainers[0]);

            // The victim has two cold and two hot calls running when it dies.
            var inFlight = new[] { "/invoke/sleepy", "/invoke/sleepy", "/invoke/hot", "/invoke/hot" }
                .Select(path => victim.Client.PostAsync(path, new StringContent("!sleep 110000\nnever answered")))
                .ToList();
            await EventuallyAsync(async () => (await ContainersAsync($"victim-{run}")).Count(c => c.State == "running") == 4, "the victim's four calls run");
            var victimContainers = await ContainersAsync($"victim-{run}");
            var victimLock = LockPathOf(victimContainers[0]);
            var victimMarkers = Path.ChangeExtension(victimLock, null);
            var victimDirectories = Directory.GetFiles(victimMarkers).Select(marker => Path.Join(socketBase, Path.GetFileName(marker))).ToList();
            victimDirectories.Count.ShouldBe(2, "one socket directory per hot container");
            victimDirectories.ShouldAllBe(d => Directory.Exists(d));

            await victim.KillAsync();
            await Task.WhenAll(inFlight.Select(call => call.ContinueWith(_ => { }, TaskScheduler.Default)));
            victim.ExitCode.ShouldBe(137);

            await using var successor = await StartAsync(socketBase, $"successor-{run}");
            // The successor's start-up pass is due now (other suites' executors on this host may also get there first).
            await EventuallyAsync(
                async () => (await ContainersAsync($"victim-{run}")).Count == 0 && !victimDirectories.Any(Directory.Exists) && !File.Exists(victimLock),
                () => $"the victim's containers, socket directories and lock file are removed. The successor logged:\n{successor.Stderr}");
            Directory.Exists(victimMarkers).ShouldBeFalse();

            // The live bystander kept its lock and its container, which serves the next call itself.
            File.Exists(bystanderLock).ShouldBeTrue();
            (await ContainersAsync($"bystander-{run}")).Select(c => c.ID).ShouldBe(bystanderContainers.Select(c => c.ID));
            await CallAsync(bystander, "/invoke/hot", "after");
            (await ContainersAsync($"bystander-{run}")).Select(c => c.ID).ShouldBe(bystanderContainers.Select(c => c.ID), "no new container: the same one served");
        }
        finally
        {
            await victim.DisposeAsync();
            await bystander.DisposeAsync();
            Directory.Delete(socketBase, recursive: true);
        }
    }

    // Reaping at its default (on), but only at start-up within this test: the periodic passes (an hour apart) of the
    // gateways started earlier cannot do the successor's work.
    private static Task<GatewayProcess> StartAsync(string socketBase, string instanceId) =>
        GatewayProcess.StartAsync(FunctionsYaml, environment: new Dictionary<string, string?>
        {
            ["FNPIPELINE_HOT_SOCKET_DIR"] = socketBase,
            ["FNPIPELINE_INSTANCE_ID"] = instanceId,
            ["FNPIPELINE_REAP_ORPHANS"] = null,
            ["FNPIPELINE_REAP_INTERVAL_MS"] = "3600000",
        });

    private static async Task CallAsync(GatewayProcess gateway, string path, string body)
    {
        using var response = await gateway.Client.PostAsync(path, new StringContent(body));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        text.ShouldBe(body);
    }

    private static string LockPathOf(ContainerListResponse container) => container.Labels["fnpipeline.owner.lock"];

    private async Task<IList<ContainerListResponse>> ContainersAsync(string instanceId) =>
        await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"fnpipeline.instance={instanceId}"] = true, [TestRun.RunLabel] = true },
            },
        });

    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) => EventuallyAsync(condition, () => what);

    private static Task EventuallyAsync(Func<Task<bool>> condition, Func<string> what) =>
        Eventually.HoldsAsync(condition, TimeSpan.FromSeconds(60), what);
}
