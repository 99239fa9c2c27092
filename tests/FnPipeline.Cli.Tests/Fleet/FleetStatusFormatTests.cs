using FnPipeline.Cli.Fleet;
using FnPipeline.Fleet.Wire;

namespace FnPipeline.Cli.Tests.Fleet;

/// <summary><c>fnpipe fleet status</c>'s text: a line per node, the hot functions, the places in use, the asynchronous queue.</summary>
public sealed class FleetStatusFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Nodes_TheirLoad_HotFunctions_AndTheQueue_AreListed()
    {
        var nodes = new[]
        {
            Node("node-b", inFlight: 3, capacity: 4, draining: true, new HotFunction("0123456789abcdef", "echo", "fnpipeline/testfn:latest")),
            Node("node-a", inFlight: 1, capacity: 16, draining: false),
        };
        var report = new FleetStatusReport("prod", "nats://127.0.0.1:4222", nodes, new AsyncQueueState("FNP_prod_ASYNC", 7, 5, 2), null);

        var lines = FleetStatus.Format(report, Now).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines[0].ShouldBe("fleet 'prod' on nats://127.0.0.1:4222: 2 node(s)");
        lines[1].ShouldStartWith("NODE");
        lines.ShouldContain(l => l.StartsWith("node-b") && l.Contains("draining") && l.Contains("3/4") && l.Contains("1m30s") && l.Contains("unix:///run/n/docker.sock (Docker 20.10.24)"));
        lines.ShouldContain(l => l.StartsWith("node-a") && l.Contains("taking calls") && l.Contains("1/16"));
        lines.ShouldContain("  node-b  echo  fnpipeline/testfn:latest  key 0123456789abcdef");
        // A draining node's places are not offered any more.
        lines.ShouldContain("synchronous calls running: 4 of 16 places");
        lines.ShouldContain("asynchronous calls (FNP_prod_ASYNC): 5 queued, 2 taken by nodes and not yet acknowledged, 7 stored");
    }

    [Fact]
    public void NoNode_SaysHowToStartOne_AndWhyTheQueueIsMissing()
    {
        var report = new FleetStatusReport("x", "nats://h:4222", [], null, "no stream FNP_x_ASYNC (no asynchronous call was submitted to this fleet)");

        var text = FleetStatus.Format(report, Now);

        text.ShouldContain("no node of fleet 'x' answered: start one with 'fnpipe node --nats nats://h:4222'");
        text.ShouldContain("asynchronous calls: no stream FNP_x_ASYNC");
        text.ShouldNotContain("NODE  STATE", Case.Sensitive);
    }

    private static NodeAnnouncement Node(string id, int inFlight, int capacity, bool draining, params HotFunction[] hot) => new()
    {
        NodeId = id,
        Fleet = "prod",
        EngineEndpoint = "unix:///run/n/docker.sock",
        EngineVersion = "20.10.24",
        Capacity = capacity,
        InFlight = inFlight,
        Draining = draining,
        HotFunctions = hot,
        StartedAt = Now - TimeSpan.FromSeconds(90),
        At = Now,
    };
}
