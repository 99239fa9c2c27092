using FnPipeline.Fleet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FnPipeline.Fleet.Tests.Sync;

/// <summary>Synchronous calls through NATS to nodes on the real engine: results, placement by room, hot affinity, isolation.</summary>
[Collection(FleetEngineCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class SyncCallTests(EngineFixture engine, ITestOutputHelper output) : IAsyncLifetime
{
    private NatsServerProcess _nats = null!;

    public async Task InitializeAsync() => _nats = await NatsServerProcess.StartAsync();

    public async Task DisposeAsync() => await _nats.DisposeAsync();

    [Fact]
    public async Task ColdHotAndErrorCalls_ComeBackAsTheNodeRanThem()
    {
        await using var kit = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        await kit.StartNodeAsync(engine.Endpoint);
        var client = kit.Client();

        using var cold = await client.InvokeAsync(kit.ColdCall("cold hello"));
        cold.Status.ShouldBe(InvocationStatus.Success, cold.ToString());
        cold.OutputAsString().ShouldBe("cold hello");

        using var hot1 = await client.InvokeAsync(kit.HotCall("hot one"));
        using var hot2 = await client.InvokeAsync(kit.HotCall("hot two"));
        hot1.Status.ShouldBe(InvocationStatus.Success, hot1.ToString());
        hot2.OutputAsString().ShouldBe("hot two");
        hot2.ContainerId.ShouldNotBeNull();
        hot2.ContainerId.ShouldBe(hot1.ContainerId, "the second call ran on the hot container of the first");

        using var failed = await client.InvokeAsync(kit.ColdCall("!exit 3\npartial"));
        failed.Status.ShouldBe(InvocationStatus.Error);
        failed.Error!.Kind.ShouldBe(FnErrorKind.ContainerExit);
        failed.ExitCode.ShouldBe(3);
        failed.OutputAsString().ShouldBe("partial");
    }

    [Fact]
    public async Task CallId_AndInputBytes_CrossTheFleetUnchanged()
    {
        await using var kit = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        await kit.StartNodeAsync(engine.Endpoint);
        var client = kit.Client();
        var input = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7 % 251)).ToArray();
        var call = kit.ColdCall("") with { Input = CallInput.FromStream(new MemoryStream(input)), CallId = "fleet-call-1" };

        using var result = await client.InvokeAsync(call);

        result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        result.CallId.ShouldBe("fleet-call-1");
        result.Output.ToArray().ShouldBe(input);
    }

    [Fact]
    public async Task NoNodeInTheFleet_IsFleetUnavailable_WithoutWaitingForTimeouts()
    {
        await using var kit = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        // Timeouts far longer than the test's own deadline: only an immediate answer passes.
        var client = kit.Client(o => { o.AcceptTimeout = TimeSpan.FromMinutes(5); o.QueueTimeout = TimeSpan.FromMinutes(5); });
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var result = await client.InvokeAsync(kit.HotCall("anyone?"), deadline.Token);

        result.Error!.Kind.ShouldBe(FnErrorKind.FleetUnavailable, result.ToString());
        result.Error.StatusCode.ShouldBe(503);
        result.Error.Message.ShouldContain($"fleet '{kit.Fleet}'");
    }

    [Fact]
    public async Task AFullNode_IsNotHandedACall_WhileAnotherHasRoom()
    {
        await using var kit = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        var a = await kit.StartNodeAsync(engine.Endpoint, capacity: 1);
        var b = await kit.StartNodeAsync(engine.Endpoint, capacity: 1);
        var client = kit.Client();

        var first = client.InvokeAsync(kit.ColdCall("!sleep 3000\nfirst"));
        await Eventually.HoldsAsync(() => a.Node.InFlight + b.Node.InFlight == 1);
        var second = client.InvokeAsync(kit.ColdCall("!sleep 3000\nsecond"));
        await Eventually.HoldsAsync(() => a.Node.InFlight + b.Node.InFlight == 2);

        // One each: the full node held no subscription, so the second call could only reach the other.
        a.Node.InFlight.ShouldBe(1);
        b.Node.InFlight.ShouldBe(1);
        // A third call while both are full waits for room and then runs (it is not refused).
        var third = client.InvokeAsync(kit.ColdCall("third"));
        using var r1 = await first;
        using var r2 = await second;
        using var r3 = await third;
        new[] { r1, r2, r3 }.ShouldAllBe(r => r.Status == InvocationStatus.Success);
        r3.OutputAsString().ShouldBe("third");
    }

    [Fact]
    public async Task OneCallerAtATime_OverThreeNodes_KeepsOneHotContainer()
    {
        await using var kit = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        for (var i = 0; i < 3; i++)
        {
            await kit.StartNodeAsync(engine.Endpoint);
        }

        var client = kit.Client();
        var containers = new HashSet<string>();
        for (var i = 0; i < 8; i++)
        {
            using var result = await client.InvokeAsync(kit.HotCall($"call {i}"));
            result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
            containers.Add(result.ContainerId!);
        }

        containers.Count.ShouldBe(1);
        (await kit.ContainersAsync(engine.Endpoint)).Count.ShouldBe(1, "the engine holds one container of this fleet");
        kit.Nodes.Count(n => n.Node.Announcement().HotFunctions.Count > 0).ShouldBe(1);
    }

    [Fact]
    public async Task TwoFleetsOnOneServer_NeverTakeEachOthersCalls()
    {
        await using var red = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        await using var blue = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        var redNode = await red.StartNodeAsync(engine.Endpoint);
        var blueClient = blue.Client();

        using var orphan = await blueClient.InvokeAsync(blue.ColdCall("blue has no node"));
        orphan.Error!.Kind.ShouldBe(FnErrorKind.FleetUnavailable);

        var blueNode = await blue.StartNodeAsync(engine.Endpoint);
        using var served = await blueClient.InvokeAsync(blue.ColdCall("blue"));
        served.Status.ShouldBe(InvocationStatus.Success, served.ToString());
        (await red.ContainersAsync(engine.Endpoint)).ShouldBeEmpty();
        redNode.Node.Announcement().Fleet.ShouldBe(red.Fleet);
        blueNode.Node.Announcement().Fleet.ShouldBe(blue.Fleet);
    }

    [Fact]
    public async Task CancellingAnAcceptedCall_IsCancelled_AndFreesTheNode()
    {
        await using var kit = new FleetKit(_nats.Url, TestOutputLogs.Factory(output));
        var node = await kit.StartNodeAsync(engine.Endpoint);
        var client = kit.Client();
        using var cancel = new CancellationTokenSource();

        var call = client.InvokeAsync(kit.ColdCall("!sleep 60000\nnever"), cancel.Token);
        await Eventually.HoldsAsync(() => node.Node.InFlight == 1);
        await cancel.CancelAsync();
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Cancelled);
        result.Error!.StatusCode.ShouldBe(499);
        await Eventually.HoldsAsync(() => node.Node.InFlight == 0);
    }
}
