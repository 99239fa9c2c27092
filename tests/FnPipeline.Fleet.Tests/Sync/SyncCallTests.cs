using FnPipeline.Fleet.Tests.Infrastructure;
using FnPipeline.Testing.Fleet;
using Xunit.Abstractions;

namespace FnPipeline.Fleet.Tests.Sync;

/// <summary>
/// Synchronous calls through the shared NATS cluster to in-process nodes, node i on node engine i: results, placement by
/// room, hot affinity, isolation, cancellation. Placement is read from two sides: the nodes' own counters and the
/// containers each engine holds.
/// </summary>
[Collection(FleetCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class SyncCallTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Signal = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ColdHotAndErrorCalls_ComeBackAsTheNodeRanThem()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        var node = await kit.StartNodeAsync(engine: 1);
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
        (await kit.ContainersPerEngineAsync()).ShouldBe([0, 1, 0], "the hot container lives on node engine 2, the node's");

        using var failed = await client.InvokeAsync(kit.ColdCall("!exit 3\npartial"));
        failed.Status.ShouldBe(InvocationStatus.Error);
        failed.Error!.Kind.ShouldBe(FnErrorKind.ContainerExit);
        failed.ExitCode.ShouldBe(3);
        failed.OutputAsString().ShouldBe("partial");
        node.Counted.Invocations.ShouldBe(4);
    }

    [Fact]
    public async Task CallId_AndInputBytes_CrossTheFleetUnchanged()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        await kit.StartNodeAsync(engine: 0);
        var client = kit.Client();
        var input = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7 % 251)).ToArray();
        var call = kit.ColdCall("") with { Input = CallInput.FromStream(new MemoryStream(input)), CallId = "fleet-call-" + Guid.NewGuid().ToString("N")[..8] };

        using var result = await client.InvokeAsync(call);

        result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        result.CallId.ShouldBe(call.CallId);
        result.Output.ToArray().ShouldBe(input);
    }

    [Fact]
    public async Task NoNodeInTheFleet_IsFleetUnavailable_WithoutWaitingForTimeouts()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        // Timeouts far longer than the test's own deadline: only an immediate answer passes.
        var client = kit.Client(o => { o.AcceptTimeout = TimeSpan.FromMinutes(5); o.QueueTimeout = TimeSpan.FromMinutes(5); });
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var result = await client.InvokeAsync(kit.HotCall("anyone?"), deadline.Token);

        result.Error!.Kind.ShouldBe(FnErrorKind.FleetUnavailable, result.ToString());
        result.Error.StatusCode.ShouldBe(503);
        result.Error.Message.ShouldContain($"fleet '{kit.Fleet}'");
    }

    [Fact]
    public async Task SyncCalls_SpreadByRoom_AFullNodeIsNeverHandedACall()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        using var gate = new CallGate();
        for (var engine = 0; engine < 3; engine++)
        {
            await kit.StartNodeAsync(engine, capacity: 2);
        }

        var client = kit.Client(o => o.QueueTimeout = TimeSpan.FromMinutes(2));
        var names = Enumerable.Range(0, 7).Select(gate.Name).ToArray();

        // Six calls held in their containers fill the fleet's six places: two on each node, whatever NATS picked.
        var held = names[..6].ToDictionary(n => n, n => client.InvokeAsync(gate.Call(kit, n)));
        await Eventually.HoldsAsync(() => Task.FromResult(gate.StartedCount == 6), Signal, "six held calls started");
        kit.Nodes.Select(n => n.Node.InFlight).ShouldBe([2, 2, 2]);
        (await kit.ContainersPerEngineAsync()).ShouldBe([2, 2, 2], "each engine runs the two calls of its node");

        // A seventh call while every node is full waits for room (it is not refused, and no node takes it)...
        var seventh = client.InvokeAsync(gate.Call(kit, names[6]));
        // ...until one call of the second node ends: the seventh can then only go there.
        var freed = kit.Nodes[1];
        var freedCall = freed.Counted.Calls.First();
        gate.Open(freedCall);
        using (var first = await held[freedCall].WaitAsync(Signal))
        {
            first.OutputAsString().ShouldBe(freedCall, first.ToString());
        }

        await Eventually.HoldsAsync(() => Task.FromResult(gate.Started(names[6])), Signal, "the seventh call started");
        freed.Counted.Calls.ShouldContain(names[6]);
        using (var engine = FleetFixture.Nodes[1].CreateClient())
        {
            (await Containers.ListByLabelAsync(engine, $"{CallGate.CallLabelKey}={names[6]}")).Count.ShouldBe(1, "node engine 2 runs the seventh call");
        }

        gate.OpenAll(names);
        foreach (var (name, call) in held.Where(h => h.Key != freedCall).Append(new(names[6], seventh)))
        {
            using var result = await call.WaitAsync(Signal);
            result.OutputAsString().ShouldBe(name, result.ToString());
        }

        kit.Nodes.Select(n => n.Counted.MaxRunning).ShouldBe([2, 2, 2], "no node ever ran more than its room");
        kit.Nodes.Select(n => n.Counted.Invocations).ShouldBe([2, 3, 2]);
    }

    [Fact]
    public async Task OneCallerAtATime_OverThreeNodes_KeepsOneHotContainer_OnTheEngines()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        for (var engine = 0; engine < 3; engine++)
        {
            await kit.StartNodeAsync(engine);
        }

        var client = kit.Client();
        var containers = new HashSet<string>();
        for (var i = 0; i < 12; i++)
        {
            using var result = await client.InvokeAsync(kit.HotCall($"call {i}"));
            result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
            result.OutputAsString().ShouldBe($"call {i}");
            containers.Add(result.ContainerId!);
        }

        containers.Count.ShouldBe(1);
        var perEngine = await kit.ContainersPerEngineAsync();
        perEngine.Sum().ShouldBe(1, $"the three engines hold one container of this fleet ({string.Join(", ", perEngine)})");
        var hotNode = Array.IndexOf(perEngine, 1);
        kit.Nodes.Select(n => n.Counted.Invocations).ShouldBe(kit.Nodes.Select((_, i) => i == hotNode ? 12 : 0), "the node next to the hot container ran every call");
        kit.Nodes.Select(n => n.Node.Announcement().HotFunctions.Count).ShouldBe(kit.Nodes.Select((_, i) => i == hotNode ? 1 : 0));
    }

    [Fact]
    public async Task TwoFleetsOnOneCluster_NeverTakeEachOthersCalls()
    {
        await using var red = new FleetKit(TestOutputLogs.Factory(output));
        await using var blue = new FleetKit(TestOutputLogs.Factory(output));
        // The same function in both fleets (same labels, so the same function key and hot subject but for the fleet).
        FunctionCall Call(string input) => red.HotCall(input);
        for (var engine = 0; engine < 3; engine++)
        {
            await red.StartNodeAsync(engine);
        }

        var redClient = red.Client();
        var blueClient = blue.Client();
        using (var redFirst = await redClient.InvokeAsync(Call("red warms the function")))
        {
            redFirst.Status.ShouldBe(InvocationStatus.Success, redFirst.ToString());
        }

        // Blue has no node: red's nodes, with the function hot, never take blue's call.
        using (var orphan = await blueClient.InvokeAsync(Call("blue has no node")))
        {
            orphan.Error!.Kind.ShouldBe(FnErrorKind.FleetUnavailable, orphan.ToString());
        }

        for (var engine = 0; engine < 3; engine++)
        {
            await blue.StartNodeAsync(engine);
        }

        var redContainers = new HashSet<string>();
        var blueContainers = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            using var r = await redClient.InvokeAsync(Call($"red {i}"));
            using var b = await blueClient.InvokeAsync(Call($"blue {i}"));
            r.OutputAsString().ShouldBe($"red {i}", r.ToString());
            b.OutputAsString().ShouldBe($"blue {i}", b.ToString());
            redContainers.Add(r.ContainerId!);
            blueContainers.Add(b.ContainerId!);
        }

        red.Nodes.Sum(n => n.Counted.Invocations).ShouldBe(6, "red's nodes ran red's six calls and nothing else");
        blue.Nodes.Sum(n => n.Counted.Invocations).ShouldBe(5, "blue's nodes ran blue's five calls and nothing else");
        redContainers.Overlaps(blueContainers).ShouldBeFalse("no call of one fleet ran on the other's hot container");
        red.Nodes.ShouldAllBe(n => n.Node.Announcement().Fleet == red.Fleet);
        blue.Nodes.ShouldAllBe(n => n.Node.Announcement().Fleet == blue.Fleet);
    }

    [Fact]
    public async Task CancellingAnAcceptedCall_IsCancelled_AndFreesTheNode()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        var node = await kit.StartNodeAsync(engine: 2);
        var client = kit.Client();
        using var cancel = new CancellationTokenSource();

        var call = client.InvokeAsync(kit.ColdCall("!sleep 60000\nnever"), cancel.Token);
        await Eventually.HoldsAsync(() => node.Node.InFlight == 1);
        await cancel.CancelAsync();
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Cancelled);
        result.Error!.StatusCode.ShouldBe(499);
        await Eventually.HoldsAsync(() => node.Node.InFlight == 0);
        await Eventually.HoldsAsync(async () => (await kit.ContainersPerEngineAsync()).Sum() == 0, Signal, "the cancelled call's container is gone");

        // The client's first call was the cancelled one: its later calls still get their replies.
        using var after = await client.InvokeAsync(kit.ColdCall("after the cancel"));
        after.OutputAsString().ShouldBe("after the cancel", after.ToString());
    }
}
