using FnPipeline.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FnPipeline.Fleet.Tests.Sync;

/// <summary>What a caller sees when a node or NATS goes away: clear errors within the call's time, and recovery.</summary>
[Collection(FleetEngineCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class FailureTests(EngineFixture engine, ITestOutputHelper output) : IAsyncLifetime
{
    private NatsServerProcess _nats = null!;

    public async Task InitializeAsync() => _nats = await NatsServerProcess.StartAsync();

    public async Task DisposeAsync() => await _nats.DisposeAsync();

    [Fact]
    public async Task NatsDown_IsFleetUnavailableAtOnce_AndCallsFlowAgainWhenItReturns()
    {
        await using var kit = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        await kit.StartNodeAsync(engine.Endpoint);
        var client = kit.Client(o => o.AcceptTimeout = TimeSpan.FromMinutes(5));
        using (var before = await client.InvokeAsync(kit.ColdCall("before")))
        {
            before.Status.ShouldBe(InvocationStatus.Success, before.ToString());
        }

        await _nats.KillAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using (var down = await client.InvokeAsync(kit.ColdCall("down"), deadline.Token))
        {
            down.Error!.Kind.ShouldBe(FnErrorKind.FleetUnavailable, down.ToString());
            down.Error.Message.ShouldContain(_nats.Url);
        }

        await _nats.StartAgainAsync();
        // Client and node reconnect on their own (no restart): calls succeed again.
        await Eventually.HoldsAsync(
            async () =>
            {
                using var again = await client.InvokeAsync(kit.ColdCall("after"));
                return again.IsSuccess && again.OutputAsString() == "after";
            },
            TimeSpan.FromSeconds(60),
            "a call succeeds after NATS is back");
    }

    [Fact]
    public async Task ClientStartedWhileNatsIsDown_ConnectsOnceItIsUp()
    {
        await using var kit = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        await _nats.KillAsync();
        var client = kit.Client();
        using (var down = await client.InvokeAsync(kit.ColdCall("down")))
        {
            down.Error!.Kind.ShouldBe(FnErrorKind.FleetUnavailable, down.ToString());
        }

        await _nats.StartAgainAsync();
        await kit.StartNodeAsync(engine.Endpoint);
        using var up = await client.InvokeAsync(kit.ColdCall("up"));
        up.Status.ShouldBe(InvocationStatus.Success, up.ToString());
    }

    [Fact]
    public async Task NodeGoneMidCall_IsNodeLost_WithinTheCallsTimeout_AndNotRunAgain()
    {
        await using var kit = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        var dying = await kit.StartNodeAsync(engine.Endpoint);
        var client = kit.Client(o => o.NodeLostAfter = TimeSpan.FromSeconds(3));
        var call = kit.ColdCall("!sleep 600000\nnever") with { Timeout = TimeSpan.FromSeconds(40) };

        var running = client.InvokeAsync(call);
        await Eventually.HoldsAsync(() => dying.Node.InFlight == 1);
        // A second node with room joins: the lost call must not be sent to it.
        var other = await kit.StartNodeAsync(engine.Endpoint);
        dying.Node.Crash();
        using var result = await running.WaitAsync(TimeSpan.FromSeconds(30));

        result.Error!.Kind.ShouldBe(FnErrorKind.NodeLost, result.ToString());
        result.Error.StatusCode.ShouldBe(502);
        result.Error.Message.ShouldContain(dying.Node.NodeId);
        other.Node.InFlight.ShouldBe(0);
        other.Executor.ColdContainersInUse.ShouldBe(0);
    }
}
