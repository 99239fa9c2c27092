using System.Diagnostics;
using FnPipeline.Fleet.Async;
using FnPipeline.Fleet.Tests.Async;
using FnPipeline.Fleet.Tests.Infrastructure;
using FnPipeline.Testing.Fleet;
using Xunit.Abstractions;

namespace FnPipeline.Fleet.Tests.Sync;

/// <summary>
/// Servers of the shared NATS cluster taken away under running clients and nodes (SIGKILL), then brought back with
/// scripts/fleet-up.sh in <c>finally</c>, so the cluster is whole for what runs next. Alone in their collection: it runs
/// after every other one of this suite while holding the fleet's use lock exclusively.
/// </summary>
[Collection(NatsOutageCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class NatsOutageTests(ITestOutputHelper output)
{
    /// <summary>How long one call may take while a server dies under it: a bound on "no hang", not a speed target.</summary>
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OneServerOfTheClusterKilled_SyncAndAsyncCallsKeepFlowing()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        await using var asyncFleet = new AsyncTestFleet(new FleetAsyncOptions(), kit.Fleet);
        for (var engine = 0; engine < 3; engine++)
        {
            await kit.StartNodeAsync(engine);
        }

        await asyncFleet.StartNodeAsync("async-node");
        (await asyncFleet.Client.GetResultAsync("provisioned")).ShouldBeOfType<AsyncCallResult.NotFound>(); // stream and buckets exist, 3 replicas
        var client = kit.Client();
        using (var before = await client.InvokeAsync(kit.HotCall("before")))
        {
            before.Status.ShouldBe(InvocationStatus.Success, before.ToString());
        }

        // The server the client is connected to dies: the worst case for the caller.
        var victim = FleetFixture.Servers.Single(s => s.Name == client.Connection.ServerInfo!.Name);
        try
        {
            await NatsCluster.KillAsync(victim);

            // Every call ends within its bound, as a success or a clear FleetUnavailable while the client moves to
            // another server; then calls succeed in a row.
            var inARow = 0;
            var failures = new List<FnErrorKind>();
            var deadline = Stopwatch.StartNew();
            for (var i = 0; inARow < 10; i++)
            {
                deadline.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(2), $"calls did not flow again after {victim.Name} died (failures: {string.Join(", ", failures)})");
                using var result = await client.InvokeAsync(kit.HotCall($"after {i}")).WaitAsync(CallBound);
                if (result.IsSuccess)
                {
                    result.OutputAsString().ShouldBe($"after {i}");
                    inARow++;
                }
                else
                {
                    result.Error!.Kind.ShouldBe(FnErrorKind.FleetUnavailable, result.ToString());
                    failures.Add(result.Error.Kind);
                    inARow = 0;
                }
            }

            client.Connection.ServerInfo!.Name.ShouldNotBe(victim.Name);
            output.WriteLine($"killed {victim.Name}; {failures.Count} call(s) answered FleetUnavailable before calls flowed again");

            // Asynchronous calls too: the stream and buckets (3 replicas) keep a quorum on the two servers left.
            // JetStream may answer nothing for a moment while it elects new leaders: submissions are then refused
            // clearly (FleetUnavailable, within the bound), and one is accepted soon after.
            string? callId = null;
            var refused = 0;
            await Eventually.HoldsAsync(
                async () =>
                {
                    try
                    {
                        callId = await asyncFleet.Client.SubmitAsync(AsyncTestFleet.Call("async while a server is down")).WaitAsync(CallBound);
                        return true;
                    }
                    catch (FleetAsyncException e) when (e.Kind == FnErrorKind.FleetUnavailable)
                    {
                        refused++;
                        return false;
                    }
                },
                TimeSpan.FromMinutes(3),
                $"an asynchronous call is accepted after {victim.Name} died");

            output.WriteLine($"{refused} asynchronous submission(s) refused before one was accepted");
            AsyncCallResult? stored = null;
            await Eventually.HoldsAsync(
                async () => (stored = await asyncFleet.Client.GetResultAsync(callId!)) is AsyncCallResult.Completed,
                TimeSpan.FromMinutes(2),
                "the asynchronous call's result is stored");
            using var done = stored.ShouldBeOfType<AsyncCallResult.Completed>();
            done.Result.OutputAsString().ShouldBe("async while a server is down", done.Result.ToString());
        }
        finally
        {
            await NatsCluster.UpAsync();
        }
    }

    [Fact]
    public async Task WholeClusterDown_FastFleetUnavailable_ThenCallsFlowAgainWithoutRestarts()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        await using var asyncFleet = new AsyncTestFleet(new FleetAsyncOptions(), kit.Fleet);
        var node = await kit.StartNodeAsync(engine: 0);
        // Timeouts far longer than the test's bounds: only an immediate answer passes.
        var client = kit.Client(o => { o.AcceptTimeout = TimeSpan.FromMinutes(5); o.QueueTimeout = TimeSpan.FromMinutes(5); });
        using (var before = await client.InvokeAsync(kit.ColdCall("before")))
        {
            before.Status.ShouldBe(InvocationStatus.Success, before.ToString());
        }

        (await asyncFleet.Client.GetResultAsync("nothing-yet")).ShouldBeOfType<AsyncCallResult.NotFound>();
        try
        {
            foreach (var server in FleetFixture.Servers)
            {
                await NatsCluster.KillAsync(server);
            }

            var clock = Stopwatch.StartNew();
            using (var down = await client.InvokeAsync(kit.ColdCall("down")).WaitAsync(CallBound))
            {
                down.Error!.Kind.ShouldBe(FnErrorKind.FleetUnavailable, down.ToString());
                down.Error.StatusCode.ShouldBe(503);
                // Two honest answers, depending on whether the client saw the servers go before it sent the call:
                // "unreachable ...; the call did not run", or "the connection ... was lost before a node acknowledged
                // the call" (docs/fleet.md, "Failure semantics"). Both name NATS; the node's count shows nothing ran.
                down.Error.Message.ShouldContain($"NATS at {kit.NatsUrl}", Case.Sensitive, down.ToString());
            }

            output.WriteLine($"sync call with the cluster down answered in {clock.ElapsedMilliseconds} ms");
            var submit = await Should.ThrowAsync<FleetAsyncException>(
                asyncFleet.Client.SubmitAsync(AsyncTestFleet.Call("async while down")).WaitAsync(CallBound));
            submit.Kind.ShouldBe(FnErrorKind.FleetUnavailable, submit.ToString());
            output.WriteLine($"async submit with the cluster down refused after {clock.ElapsedMilliseconds} ms in all");
            node.Counted.Invocations.ShouldBe(1, "nothing ran while the cluster was down");
        }
        finally
        {
            await NatsCluster.UpAsync();
        }

        // The same client and node, never restarted: they reconnect on their own and calls succeed again.
        await Eventually.HoldsAsync(
            async () =>
            {
                using var again = await client.InvokeAsync(kit.ColdCall("after")).WaitAsync(CallBound);
                return again.IsSuccess && again.OutputAsString() == "after";
            },
            TimeSpan.FromMinutes(2),
            "a synchronous call succeeds after the cluster is back");
        await asyncFleet.StartNodeAsync("async-node");
        var callId = await asyncFleet.Client.SubmitAsync(AsyncTestFleet.Call("async after")).WaitAsync(CallBound);
        using var done = (await asyncFleet.Client.WaitForResultAsync(callId, TimeSpan.FromSeconds(90))).ShouldBeOfType<AsyncCallResult.Completed>();
        done.Result.OutputAsString().ShouldBe("async after", done.Result.ToString());
    }
}
