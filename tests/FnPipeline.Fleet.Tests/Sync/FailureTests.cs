using FnPipeline.Fleet.Tests.Infrastructure;
using FnPipeline.Testing.Fleet;
using Xunit.Abstractions;

namespace FnPipeline.Fleet.Tests.Sync;

/// <summary>What a caller sees when its node dies in process, or NATS is not there yet: clear errors within the call's time, and recovery.</summary>
[Collection(FleetCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class FailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ClientStartedWhileNatsIsDown_ConnectsOnceItIsUp()
    {
        // A server of the test's own: the shared cluster stays up for the other tests.
        await using var nats = await NatsServerProcess.StartAsync();
        await using var kit = new FleetKit(TestOutputLogs.Factory(output), nats.Url);
        await nats.KillAsync();
        var client = kit.Client();
        using (var down = await client.InvokeAsync(kit.ColdCall("down")))
        {
            down.Error!.Kind.ShouldBe(FnErrorKind.FleetUnavailable, down.ToString());
            down.Error.Message.ShouldContain(nats.Url);
        }

        await nats.StartAgainAsync();
        await kit.StartNodeAsync(engine: 0);
        using var up = await client.InvokeAsync(kit.ColdCall("up"));
        up.Status.ShouldBe(InvocationStatus.Success, up.ToString());
    }

    [Fact]
    public async Task NodeGoneMidCall_IsNodeLost_WithinTheCallsTimeout_AndNotRunAgain()
    {
        var accepted = new LogSignal("FleetCallAccepted", "accepted by node");
        await using var kit = new FleetKit(TestOutputLogs.Factory(output, accepted));
        var dying = await kit.StartNodeAsync(engine: 0);
        var client = kit.Client(o => o.NodeLostAfter = TimeSpan.FromSeconds(3));
        var call = kit.ColdCall("!sleep 600000\nnever") with { Timeout = TimeSpan.FromSeconds(40) };

        var running = client.InvokeAsync(call);
        await Eventually.HoldsAsync(() => dying.Node.InFlight == 1);
        // The node told the caller it runs the call (FleetNodeOptions.AcceptedAfter into the run): from now on the call is
        // the node's, and its death must be NodeLost, never a second placement.
        await accepted.WaitAsync(TimeSpan.FromSeconds(90));
        // A second node with room joins: the lost call must not be sent to it.
        var other = await kit.StartNodeAsync(engine: 1);
        dying.Node.Crash();
        using var result = await running.WaitAsync(TimeSpan.FromSeconds(30));

        result.Error!.Kind.ShouldBe(FnErrorKind.NodeLost, result.ToString());
        result.Error.StatusCode.ShouldBe(502);
        result.Error.Message.ShouldContain(dying.Node.NodeId);
        other.Node.InFlight.ShouldBe(0);
        other.Counted.Invocations.ShouldBe(0, "the lost call was never sent to a second node");
        (await kit.ContainersAsync(other.Engine)).ShouldBeEmpty();
    }
}
