using System.Collections.Concurrent;
using FnPipeline.Fleet.Client;
using FnPipeline.Fleet.Node;
using FnPipeline.Testing.Fleet;

namespace FnPipeline.Fleet.Tests.Infrastructure;

/// <summary>
/// One test's fleet on the shared NATS cluster: a fleet name of its own (so tests sharing the servers never see each
/// other's calls), in-process nodes each on a node engine of its own (node i on engine i) and clients. Every call
/// carries the run labels and <c>fnpipeline.test.fleet=&lt;fleet&gt;</c>, so the test counts its own containers on
/// each engine. Disposal stops the nodes, disposes their executors (removing their containers) and the clients.
/// </summary>
internal sealed class FleetKit : IAsyncDisposable
{
    public const string FleetLabelKey = "fnpipeline.test.fleet";
    private readonly List<IAsyncDisposable> _owned = [];

    public FleetKit(Microsoft.Extensions.Logging.ILoggerFactory? logs = null, string? natsUrl = null)
    {
        Logs = logs;
        NatsUrl = natsUrl ?? FleetFixture.NatsUrl;
        Fleet = "t" + Guid.NewGuid().ToString("N")[..12];
    }

    public string NatsUrl { get; }

    public Microsoft.Extensions.Logging.ILoggerFactory? Logs { get; }

    public string Fleet { get; }

    public List<TestNode> Nodes { get; } = [];

    public FleetOptions FleetOptions(string? url = null) => new() { Url = url ?? NatsUrl, Fleet = Fleet };

    /// <summary>A started node on node engine <paramref name="engine"/> (0-based: node1's engine is 0).</summary>
    public async Task<TestNode> StartNodeAsync(int engine, int capacity = 4, Action<FleetNodeOptions>? configure = null)
    {
        var endpoint = FleetFixture.Nodes[engine].Endpoint;
        var executor = FnExecutor.Create(new FnPipelineOptions
        {
            DockerEndpoint = endpoint.ToString(),
            InstanceId = "fl" + Guid.NewGuid().ToString("N")[..10],
            ReapOrphans = false, // other suites share the engine
        });
        var counted = new CountedExecutor(executor);
        var options = new FleetNodeOptions
        {
            MaxInFlight = capacity,
            NodeId = $"node{Nodes.Count + 1}-{Guid.NewGuid().ToString("N")[..4]}",
            EngineEndpoint = endpoint.ToString(),
        };
        configure?.Invoke(options);
        var node = new FleetNode(counted, FleetOptions(), options, Logs);
        var testNode = new TestNode(node, executor, counted, endpoint);
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
        Labels = Labels,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>The run's labels and this fleet's.</summary>
    public Dictionary<string, string> Labels => new()
    {
        ["fnpipeline.test"] = "1",
        [TestRun.RunLabelKey] = TestRun.Id,
        [FleetLabelKey] = Fleet,
    };

    /// <summary>This fleet's containers on <paramref name="engine"/> now.</summary>
    public async Task<IReadOnlyList<string>> ContainersAsync(Uri engine)
    {
        using var client = new global::Docker.DotNet.DockerClientBuilder().WithEndpoint(engine).Build();
        return await Containers.ListByLabelAsync(client, $"{FleetLabelKey}={Fleet}");
    }

    /// <summary>This fleet's containers on each of the three node engines now (node1's first).</summary>
    public async Task<int[]> ContainersPerEngineAsync() =>
        await Task.WhenAll(FleetFixture.Nodes.Select(async n => (await ContainersAsync(n.Endpoint)).Count));

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        foreach (var engine in FleetFixture.Nodes.Select(n => n.Endpoint))
        {
            await Eventually.HoldsAsync(async () => (await ContainersAsync(engine)).Count == 0, TimeSpan.FromSeconds(30), $"no container of fleet {Fleet} left on {engine}");
        }
    }
}

/// <summary>A node, its executor (behind a counter) and its engine; disposal stops the node, then disposes the executor.</summary>
internal sealed class TestNode(FleetNode node, FnExecutor executor, CountedExecutor counted, Uri engine) : IAsyncDisposable
{
    public FleetNode Node { get; } = node;

    public FnExecutor Executor { get; } = executor;

    /// <summary>What the node handed its executor: calls begun, the most at once, their inputs.</summary>
    public CountedExecutor Counted { get; } = counted;

    public Uri Engine { get; } = engine;

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await Executor.DisposeAsync();
    }
}

/// <summary>The node's executor seen from the test: every call the node ran, the most it ran at once.</summary>
internal sealed class CountedExecutor(IFnExecutor inner) : IFnExecutor
{
    private int _running;
    private int _maxRunning;

    public string InstanceId => inner.InstanceId;

    /// <summary>The call ids (or first input line) of every call begun, in order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public int Invocations => Calls.Count;

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public async Task<InvocationResult> InvokeAsync(FunctionCall functionCall, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(functionCall.CallId ?? "");
        var now = Interlocked.Increment(ref _running);
        int max;
        while (now > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, max) != max)
        {
        }

        try
        {
            return await inner.InvokeAsync(functionCall, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
