using FnPipeline.Fleet.Client;
using FnPipeline.Fleet.Node;

namespace FnPipeline.Fleet.Tests.Infrastructure;

/// <summary>
/// One test's fleet: a fleet name of its own (so tests sharing NATS servers never see each other's calls), nodes on real
/// engines and clients. Every call carries the run labels and <c>fnpipeline.test.fleet=&lt;fleet&gt;</c>, so the test counts
/// its own containers. Disposal stops the nodes, disposes their executors (removing their containers) and the clients.
/// </summary>
internal sealed class FleetKit : IAsyncDisposable
{
    public const string FleetLabelKey = "fnpipeline.test.fleet";
    private readonly List<IAsyncDisposable> _owned = [];

    public FleetKit(string natsUrl, Microsoft.Extensions.Logging.ILoggerFactory? logs = null, string? fleet = null)
    {
        Logs = logs;
        NatsUrl = natsUrl;
        Fleet = fleet ?? "t" + Guid.NewGuid().ToString("N")[..12];
    }

    public string NatsUrl { get; }

    public Microsoft.Extensions.Logging.ILoggerFactory? Logs { get; }

    public string Fleet { get; }

    public List<TestNode> Nodes { get; } = [];

    public FleetOptions FleetOptions() => new() { Url = NatsUrl, Fleet = Fleet };

    /// <summary>A started node on the engine at <paramref name="engine"/>.</summary>
    public async Task<TestNode> StartNodeAsync(Uri engine, int capacity = 4, Action<FleetNodeOptions>? configure = null)
    {
        var executor = FnExecutor.Create(new FnPipelineOptions
        {
            DockerEndpoint = engine.ToString(),
            InstanceId = "fl" + Guid.NewGuid().ToString("N")[..10],
            ReapOrphans = false, // other suites share the engine
        });
        var options = new FleetNodeOptions { MaxInFlight = capacity, NodeId = $"node{Nodes.Count + 1}-{Guid.NewGuid().ToString("N")[..4]}" };
        configure?.Invoke(options);
        var node = new FleetNode(executor, FleetOptions(), options, Logs);
        var testNode = new TestNode(node, executor, engine);
        Nodes.Add(testNode);
        _owned.Add(testNode);
        await node.StartAsync(CancellationToken.None);
        return testNode;
    }

    public FleetExecutor Client(Action<FleetClientOptions>? configure = null)
    {
        var options = new FleetClientOptions();
        configure?.Invoke(options);
        var client = new FleetExecutor(FleetOptions(), options, Logs);
        _owned.Add(client);
        return client;
    }

    /// <summary>A default-format call of the test function (<c>!sleep</c>, <c>!exit</c>... per docs/testing.md).</summary>
    public FunctionCall ColdCall(string input) => Call(input, FunctionFormat.Default);

    /// <summary>An http-stream call of the test function (a hot container).</summary>
    public FunctionCall HotCall(string input) => Call(input, FunctionFormat.HttpStream);

    public FunctionCall Call(string input, FunctionFormat format) => new()
    {
        Image = TestImages.TestFunction,
        Format = format,
        Input = CallInput.FromString(input),
        Labels = new Dictionary<string, string>
        {
            ["fnpipeline.test"] = "1",
            [TestRun.RunLabelKey] = TestRun.Id,
            [FleetLabelKey] = Fleet,
        },
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>This fleet's containers on <paramref name="engine"/> now.</summary>
    public async Task<IReadOnlyList<string>> ContainersAsync(Uri engine)
    {
        using var client = new global::Docker.DotNet.DockerClientBuilder().WithEndpoint(engine).Build();
        return await Containers.ListByLabelAsync(client, $"{FleetLabelKey}={Fleet}");
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        foreach (var engine in Nodes.Select(n => n.Engine).Distinct())
        {
            await Eventually.HoldsAsync(async () => (await ContainersAsync(engine)).Count == 0, TimeSpan.FromSeconds(30), $"no container of fleet {Fleet} left on {engine}");
        }
    }
}

/// <summary>A node, its executor and its engine; disposal stops the node, then disposes the executor.</summary>
internal sealed class TestNode(FleetNode node, FnExecutor executor, Uri engine) : IAsyncDisposable
{
    public FleetNode Node { get; } = node;

    public FnExecutor Executor { get; } = executor;

    public Uri Engine { get; } = engine;

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await Executor.DisposeAsync();
    }
}
