using FnPipeline.Fleet.Tests.Infrastructure;
using NATS.Client.Core;
using Xunit.Abstractions;

namespace FnPipeline.Fleet.Tests.Sync;

/// <summary>
/// A fleet with no room (docs/fleet.md, "Placing a call"): a call waits for room while nodes exist, never a 503
/// FleetUnavailable; and a node's room bounds what its executor holds (hot containers per function).
/// </summary>
[Collection(FleetCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class FullFleetTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Signal = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task NodesTooBusyToAnswerStatus_TheCallWaitsForRoom_ThenTooBusy_NeverFleetUnavailable()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        // A node that exists (subscribed to node.status) but holds no call subject and answers nothing in time: what a
        // full node on a loaded machine looks like to a client.
        await using var silent = new NatsConnection(new NatsOpts { Url = kit.NatsUrl });
        await using var status = await silent.SubscribeCoreAsync<byte[]>(new FleetSubjects(kit.Fleet).Status);
        await silent.PingAsync();
        var client = kit.Client(o =>
        {
            o.AcceptTimeout = TimeSpan.FromMilliseconds(300);
            o.QueueTimeout = TimeSpan.FromSeconds(3);
        });

        using var result = await client.InvokeAsync(kit.HotCall("wait for room")).WaitAsync(Signal);

        result.Error!.Kind.ShouldBe(FnErrorKind.TooBusy, result.ToString());
        result.Error.StatusCode.ShouldBe(503);
        result.Error.Message.ShouldContain("QueueTimeout");
        status.Msgs.Count.ShouldBeGreaterThan(1, "the client asked again and again while it waited for room");
    }

    [Fact]
    public async Task ANodeOfTwoPlaces_UnderSixCallers_HoldsAtMostTwoHotContainers()
    {
        await using var kit = new FleetKit(TestOutputLogs.Factory(output));
        // The executor alone would keep up to 2 × processors containers of a function (4 on 2 cores): the node's room is
        // what bounds them.
        var node = await kit.StartNodeAsync(engine: 0, capacity: 2);
        var client = kit.Client(o => o.QueueTimeout = TimeSpan.FromMinutes(2));

        var callers = Enumerable.Range(0, 6).Select(async caller =>
        {
            for (var i = 0; i < 4; i++)
            {
                var input = $"caller {caller} call {i}";
                using var result = await client.InvokeAsync(kit.HotCall(input));
                result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
                result.OutputAsString().ShouldBe(input);
            }
        });
        await Task.WhenAll(callers).WaitAsync(Signal);

        node.Counted.Invocations.ShouldBe(24);
        node.Counted.MaxRunning.ShouldBeInRange(1, 2, "the node never handed its executor more calls than its room");
        (await kit.ContainersAsync(node.Engine)).Count.ShouldBeInRange(1, 2, "hot containers of the function on the node's engine");
    }
}
