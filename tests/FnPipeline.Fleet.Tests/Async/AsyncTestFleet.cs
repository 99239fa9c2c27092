using System.Collections.Concurrent;
using FnPipeline.Fleet.Async;
using FnPipeline.Testing.Engine;
using FnPipeline.Testing.Fleet;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Tests.Async;

/// <summary>
/// A fleet of in-process nodes for asynchronous-call tests on the NATS cluster of scripts/fleet-up.sh (replicas 3):
/// node i is its own NATS connection, its own <see cref="FnExecutor"/> on node engine i (behind a
/// <see cref="CountingExecutor"/>) and an <see cref="AsyncCallWorker"/>; the fleet's name is new per test, so tests
/// share the cluster and nothing else.
/// </summary>
internal sealed class AsyncTestFleet : IAsyncDisposable
{
    private readonly ConcurrentBag<TestNode> _nodes = [];
    private readonly HttpClient _callbacks = new();

    public AsyncTestFleet(FleetAsyncOptions options, string? fleet = null)
    {
        options.Replicas = 3;
        Options = options;
        Fleet = fleet ?? "t" + Guid.NewGuid().ToString("N")[..10];
        Client = new AsyncCallClient(new FleetOptions { Url = FleetFixture.NatsUrl, Fleet = Fleet }, options);
    }

    public FleetAsyncOptions Options { get; }
    public string Fleet { get; }
    public AsyncCallClient Client { get; }

    /// <summary>Runs in progress across the fleet's nodes, and the most at once.</summary>
    public ConcurrencyGauge Gauge { get; } = new();

    /// <summary>Every run begun on any node of this fleet (by the counting executors).</summary>
    public int Runs => _nodes.Sum(n => n.Executor.Invocations);

    public async Task<TestNode> StartNodeAsync(string nodeId, int capacity = 2, Action<CountingExecutor>? configure = null)
    {
        var engine = FleetFixture.Nodes[_nodes.Count % FleetFixture.Nodes.Count];
        var inner = FnExecutor.Create(new FnPipelineOptions
        {
            DockerEndpoint = engine.Endpoint.ToString(),
            InstanceId = "as" + Guid.NewGuid().ToString("N")[..10],
            ReapOrphans = false,
        });
        var executor = new CountingExecutor(inner, Gauge);
        configure?.Invoke(executor);
        var connection = FleetConnections.Create(new FleetOptions { Url = FleetFixture.NatsUrl, Fleet = Fleet, ClientName = nodeId });
        var room = new FixedAsyncCallRoom(capacity);
        var worker = new AsyncCallWorker(connection, new FleetSubjects(Fleet), Options, executor, room, nodeId, _callbacks);
        var node = new TestNode(nodeId, connection, executor, worker, room);
        _nodes.Add(node);
        await worker.StartAsync(CancellationToken.None);
        return node;
    }

    /// <summary>A call of the test function that carries the run's labels.</summary>
    public static FunctionCall Call(string input, string image = TestImages.TestFunction) => new()
    {
        Image = image,
        Input = CallInput.FromString(input),
        Labels = new Dictionary<string, string>(TestRun.Labels),
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await Client.DisposeAsync();
        _callbacks.Dispose();
        await DeleteJetStreamAssetsAsync(Fleet);
    }

    /// <summary>
    /// Deletes the fleet's stream and buckets (their R3 replicas would pile up on the shared cluster, run after run,
    /// and lengthen every restart of its servers). Best effort: a test that took NATS away may leave them.
    /// </summary>
    public static async Task DeleteJetStreamAssetsAsync(string fleet)
    {
        var subjects = new FleetSubjects(fleet);
        await using var connection = FleetConnections.Create(new FleetOptions { Url = FleetFixture.NatsUrl, Fleet = fleet });
        var js = new NATS.Client.JetStream.NatsJSContext(connection);
        foreach (var stream in new[] { subjects.AsyncStream, "KV_" + subjects.ResultsBucket, "KV_" + AsyncProvisioning.LimitsBucket(subjects) })
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await js.DeleteStreamAsync(stream, timeout.Token);
            }
            catch (Exception e) when (e is NATS.Client.JetStream.NatsJSApiException or NATS.Client.Core.NatsException or OperationCanceledException)
            {
                // Not created by this test (no call submitted), or NATS is not reachable now.
            }
        }
    }
}

/// <summary>One in-process node. <see cref="KillAsync"/> drops its NATS connection at once (nothing acknowledged, no
/// more progress) and stops its executor, as a node's death looks to the stream.</summary>
internal sealed class TestNode(string id, NatsConnection connection, CountingExecutor executor, AsyncCallWorker worker, FixedAsyncCallRoom room) : IAsyncDisposable
{
    private int _disposed;

    public string Id => id;
    public CountingExecutor Executor => executor;
    public AsyncCallWorker Worker => worker;
    public FixedAsyncCallRoom Room => room;

    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await connection.DisposeAsync();
        await executor.DisposeAsync();
        await worker.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await worker.StopAsync(drain.Token);
        }

        await worker.DisposeAsync();
        await connection.DisposeAsync();
        await executor.DisposeAsync();
    }
}

/// <summary>
/// The node's executor seen from the test: counts runs begun and the most running at once, signals each start, and can
/// fail the first runs as an engine failure would (an <see cref="FnEngineException"/>) before reaching the engine.
/// </summary>
internal sealed class CountingExecutor(IFnExecutor inner, ConcurrencyGauge fleetGauge) : IFnExecutor
{
    private int _invocations;
    private int _inFlight;
    private int _maxInFlight;
    private int _engineFailuresLeft;

    public string InstanceId => inner.InstanceId;
    public int Invocations => Volatile.Read(ref _invocations);
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);
    public ConcurrentQueue<DateTimeOffset> StartTimes { get; } = new();

    /// <summary>Completed by the first run that begins.</summary>
    public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void FailFirstRuns(int count) => _engineFailuresLeft = count;

    public async Task<InvocationResult> InvokeAsync(FunctionCall functionCall, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _invocations);
        StartTimes.Enqueue(DateTimeOffset.UtcNow);
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        fleetGauge.Enter();
        FirstStarted.TrySetResult();
        try
        {
            if (Interlocked.Decrement(ref _engineFailuresLeft) >= 0)
            {
                throw new FnEngineException("Engine test: injected engine failure");
            }

            return await inner.InvokeAsync(functionCall, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            fleetGauge.Exit();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>Runs in progress (entered, not exited) and the most there were at once.</summary>
internal sealed class ConcurrencyGauge
{
    private int _now;
    private int _max;

    public int Now => Volatile.Read(ref _now);
    public int Max => Volatile.Read(ref _max);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _now);
        int max;
        while (now > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, max) != max)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _now);
}
