using System.Diagnostics;
using FnPipeline.Fleet.Async;
using FnPipeline.Fleet.Tests.Async;
using FnPipeline.Fleet.Tests.Infrastructure;
using FnPipeline.Testing.Fleet;
using Xunit.Abstractions;

namespace FnPipeline.Fleet.Tests.Sync;

/// <summary>
/// A <c>fnpipe node</c> process killed with SIGKILL while it runs a synchronous and an asynchronous call (docs/fleet.md,
/// "Failure semantics"): the synchronous caller gets NodeLost within the call's timeout and the call never runs again;
/// the asynchronous call is completed by another node, stored once, and ran twice as the function sees it.
/// </summary>
[Collection(FleetCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class NodeProcessKilledTests(ITestOutputHelper output)
{
    [Fact]
    public async Task NodeKilledMidCall_SyncCallIsNodeLost_AsyncCallCompletedByAnotherNodeOnce()
    {
        var accepted = new LogSignal("FleetCallAccepted", "accepted by node");
        await using var kit = new FleetKit(TestOutputLogs.Factory(output, accepted));
        using var gate = new CallGate();
        await using var asyncClient = new AsyncCallClient(kit.FleetOptions(), new FleetAsyncOptions { Replicas = 3 });
        (await asyncClient.GetResultAsync("provisioned")).ShouldBeOfType<AsyncCallResult.NotFound>(); // stream and buckets exist (3 replicas)
        var client = kit.Client(o => o.NodeLostAfter = TimeSpan.FromSeconds(3));
        var (asyncName, syncName) = (gate.Name(0), gate.Name(1));
        NodeProcess? dying = null;
        NodeProcess? survivor = null;
        try
        {
            dying = await NodeProcess.StartAsync(kit.NatsUrl, kit.Fleet, $"dying-{kit.Fleet}", FleetFixture.Nodes[0].Endpoint, "--max-in-flight", "4", "--async-replicas", "3");
            var callId = await asyncClient.SubmitAsync(gate.Call(kit, asyncName));
            await Eventually.HoldsAsync(() => Task.FromResult(gate.Started(asyncName)), TimeSpan.FromSeconds(90), "the dying node runs the asynchronous call");
            var syncCall = gate.Call(kit, syncName);
            var sync = client.InvokeAsync(syncCall);
            await Eventually.HoldsAsync(() => Task.FromResult(gate.Started(syncName)), TimeSpan.FromSeconds(90), "the dying node runs the synchronous call");
            await accepted.WaitAsync(TimeSpan.FromSeconds(90)); // its caller heard "accepted": the call is the node's
            survivor = await NodeProcess.StartAsync(kit.NatsUrl, kit.Fleet, $"survivor-{kit.Fleet}", FleetFixture.Nodes[1].Endpoint, "--max-in-flight", "4", "--async-replicas", "3");

            await dying.KillAsync();
            var clock = Stopwatch.StartNew();

            // The synchronous caller: a clear NodeLost well within the call's timeout, naming the node.
            using (var lost = await sync.WaitAsync(TimeSpan.FromSeconds(60)))
            {
                lost.Error!.Kind.ShouldBe(FnErrorKind.NodeLost, lost.ToString());
                lost.Error.StatusCode.ShouldBe(502);
                lost.Error.Message.ShouldContain(dying.NodeId);
                clock.Elapsed.ShouldBeLessThan(syncCall.Timeout!.Value, "NodeLost comes before the call's own timeout");
            }

            output.WriteLine($"NodeLost {clock.ElapsedMilliseconds} ms after the SIGKILL");

            // The asynchronous call: redelivered after the ack wait to the surviving node, which runs and stores it.
            gate.Open(asyncName);
            using (var done = (await asyncClient.WaitForResultAsync(callId, TimeSpan.FromMinutes(3))).ShouldBeOfType<AsyncCallResult.Completed>())
            {
                done.Result.Status.ShouldBe(InvocationStatus.Success, done.Result.ToString());
                done.Result.OutputAsString().ShouldBe(asyncName);
                done.NodeId.ShouldBe(survivor.NodeId);
                done.FailedRuns.ShouldBe(0, "a node's death is not a failed run");
            }

            using (var again = (await asyncClient.GetResultAsync(callId)).ShouldBeOfType<AsyncCallResult.Completed>())
            {
                again.NodeId.ShouldBe(survivor.NodeId, "one outcome stored, never replaced");
            }

            gate.Runs(asyncName).ShouldBe(2, "at least once as the function sees it: the dead node's run and the survivor's");
            gate.Runs(syncName).ShouldBe(1, "the synchronous call was never sent to a second node");
        }
        finally
        {
            gate.OpenAll([asyncName, syncName]);
            if (survivor is not null)
            {
                await survivor.StopAsync(TimeSpan.FromSeconds(90));
                await survivor.DisposeAsync();
            }

            if (dying is not null)
            {
                await dying.DisposeAsync();
                // A killed node cannot remove its containers: what it left (this fleet's, on its engine) goes here.
                using var engine = FleetFixture.Nodes[0].CreateClient();
                foreach (var id in await kit.ContainersAsync(FleetFixture.Nodes[0].Endpoint))
                {
                    await engine.Containers.RemoveContainerAsync(id, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
                }
            }

            await AsyncTestFleet.DeleteJetStreamAssetsAsync(kit.Fleet);
        }
    }
}
