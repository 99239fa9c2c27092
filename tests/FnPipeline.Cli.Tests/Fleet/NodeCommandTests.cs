using FnPipeline.Cli.Tests.Infrastructure;
using FnPipeline.Fleet.Async;
using FnPipeline.Testing.Fleet;

namespace FnPipeline.Cli.Tests.Fleet;

/// <summary>
/// <c>fnpipe node</c> as a process on a node engine of the fleet (scripts/fleet-up.sh): it serves synchronous and
/// asynchronous calls, and on SIGTERM it drains (a call in flight completes) and exits 0.
/// </summary>
[Collection(FleetCliCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class NodeCommandTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Node_ServesSyncAndAsyncCalls_ThenDrainsOnSigterm_AndExits0()
    {
        await using var kit = new FleetCliKit("clinode");
        var nodeId = $"cli-{Guid.NewGuid():N}"[..16];
        await using var node = await NodeProcess.StartAsync(
            FleetCliKit.NatsUrl, kit.Fleet, nodeId, FleetFixture.Nodes[0].Endpoint, ["--max-in-flight", "2", "--log-level", "Debug"]);
        var client = kit.Client();

        using (var sync = await client.InvokeAsync(FleetCliKit.Call("hello node")))
        {
            sync.Status.ShouldBe(InvocationStatus.Success, sync.Error?.Message);
            sync.OutputAsString().ShouldBe("hello node");
        }

        var submitted = await kit.AsyncClient().SubmitAsync(FleetCliKit.Call("hello later"));
        var stored = await kit.AsyncClient().WaitForResultAsync(submitted, Generous);
        var done = stored.ShouldBeOfType<AsyncCallResult.Completed>();
        using (done.Result)
        {
            done.Result.Status.ShouldBe(InvocationStatus.Success, done.Result.Error?.Message);
            done.Result.OutputAsString().ShouldBe("hello later");
            done.NodeId.ShouldBe(nodeId);
        }

        // A call in flight when SIGTERM comes finishes, answered; then the node exits 0.
        var slow = FleetCliKit.Call("!sleep 3000\nfinished while draining") with { CallId = $"slow{Guid.NewGuid():N}" };
        var running = client.InvokeAsync(slow);
        await node.WaitForStderrAsync($"took call {slow.CallId}", Generous);
        await node.SignalAsync("TERM");
        await node.WaitForStderrAsync("draining: 1 calls in flight", Generous);

        using (var drained = await running)
        {
            drained.Status.ShouldBe(InvocationStatus.Success, drained.Error?.Message);
            drained.OutputAsString().ShouldBe("finished while draining");
        }

        (await node.WaitForExitAsync(Generous)).ShouldBe(0, node.Stderr);
        node.Stderr.ShouldContain($"fnpipe: node {nodeId} stopped");

        // Gone from the fleet: a call now finds no node, at once.
        using var after = await client.InvokeAsync(FleetCliKit.Call("anyone?"));
        after.Error?.Kind.ShouldBe(FnErrorKind.FleetUnavailable);
    }

    [Fact]
    public async Task Node_WithNatsUnreachable_ExitsWithEngineCode6_NamingTheServers()
    {
        var result = await Fnpipe.RunAsync(
            ["node", "--nats", "nats://127.0.0.1:1", "--fleet", "unreachable", "--sync-only"],
            environment: new Dictionary<string, string?>
            {
                ["DOCKER_HOST"] = FleetFixture.Nodes[0].Endpoint.ToString(),
                ["FNPIPELINE_DOCKER_ENDPOINT"] = null,
                ["FNPIPELINE_REAP_ORPHANS"] = "false",
            });

        result.ExitCode.ShouldBe(6, result.StandardError);
        result.StandardError.ShouldContain("nats://127.0.0.1:1");
    }

    [Fact]
    public async Task Node_WithABadFunctionsFile_ExitsWithUsageCode2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fnpipe-node-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "functions:\n  - name: broken\n");
        try
        {
            var result = await Fnpipe.RunAsync(["node", "--nats", FleetCliKit.NatsUrl, "--functions", file]);
            result.ExitCode.ShouldBe(2, result.StandardError);
            result.StandardError.ShouldContain("image");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Node_WithAWrongDockerHost_ExitsWithUsageCode2_SayingTheEngineCannotBeFound()
    {
        var result = await Fnpipe.RunAsync(
            ["node", "--nats", FleetCliKit.NatsUrl, "--sync-only"],
            environment: new Dictionary<string, string?>
            {
                ["DOCKER_HOST"] = "bogus://nowhere",
                ["FNPIPELINE_DOCKER_ENDPOINT"] = null,
            });

        result.ExitCode.ShouldBe(2, result.StandardError);
        result.StandardError.ShouldContain("cannot find the Docker engine: DOCKER_HOST: 'bogus://nowhere'");
        result.StandardError.ShouldNotContain("FNPIPELINE_");
        result.StandardError.ShouldNotContain("   at ");
    }
}
