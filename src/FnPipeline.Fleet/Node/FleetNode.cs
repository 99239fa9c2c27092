using System.Text.Json;
using FnPipeline.Fleet.Async;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Node;

/// <summary>
/// One executor node of a fleet: takes synchronous calls from NATS while it has room and runs them on its
/// <see cref="IFnExecutor"/> (docs/fleet.md, "Nodes"). It subscribes to <c>sync.any</c> and to the hot subject of every
/// function hot on it only while it has room (a full node holds no call subscription, so NATS never hands it a call
/// while another node has room; a call that races into it is answered "busy" and the client tries elsewhere). It
/// announces itself about once a second and answers <c>node.status</c>. Stopping drains: the node unsubscribes at
/// once, finishes its running calls (up to <see cref="FleetNodeOptions.DrainTimeout"/>), then leaves. The executor
/// stays its owner's: the node never disposes it.
/// </summary>
public sealed class FleetNode : IHostedService, IAsyncDisposable
{
    private readonly IFnExecutor _executor;
    private readonly FleetOptions _fleet;
    private readonly FleetNodeOptions _options;
    private readonly FleetSubjects _subjects;
    private readonly NatsConnection _connection;
    private readonly bool _ownsConnection;
    private readonly NodeRoom _room;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NodeSubscriptions _subscriptions;
    private readonly NodeReplies _replies;
    private readonly NodeCallRunner _calls;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DateTimeOffset _startedAt;
    private readonly AsyncCallWorker? _worker;
    private readonly HttpClient? _callbackClient;
    private Task? _announcer;
    private int _state; // 0 new, 1 started, 2 stopping/stopped
    private int _workerDisposed;

    /// <summary>
    /// A node running calls on <paramref name="executor"/> for the fleet <paramref name="fleet"/> names. Options are
    /// validated here (an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> names every problem).
    /// </summary>
    public FleetNode(
        IFnExecutor executor,
        FleetOptions fleet,
        FleetNodeOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
        : this(executor, fleet, options ?? new FleetNodeOptions(), connection: null, loggerFactory, timeProvider)
    {
    }

    internal FleetNode(
        IFnExecutor executor,
        FleetOptions fleet,
        FleetNodeOptions options,
        NatsConnection? connection,
        ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(options);
        FleetOptionsValidation.ThrowIfInvalid(fleet);
        FleetNodeOptionsValidation.ThrowIfInvalid(options);
        _executor = executor;
        _fleet = fleet;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FleetNode>();
        _subjects = new FleetSubjects(fleet.Fleet);
        NodeId = options.NodeId ?? NodeIdentity.DefaultNodeId();
        _room = new NodeRoom(options.MaxInFlight > 0 ? options.MaxInFlight : DefaultCapacity, _time);
        _ownsConnection = connection is null;
        _connection = connection ?? FleetConnections.Create(NodeIdentity.WithName(fleet, NodeId));
        _startedAt = _time.GetUtcNow();
        var logs = loggerFactory ?? NullLoggerFactory.Instance;
        _subscriptions = new NodeSubscriptions(_connection, _subjects, _room, fleet, NodeId, _logger);
        _replies = new NodeReplies(_connection, NodeId, fleet, _logger);
        _calls = new NodeCallRunner(executor, _room, _subscriptions, _replies, _subjects, options, NodeId, SignalIdleWhenDrained, _time, _logger);
        _subscriptions.HandleCallsWith(_calls.OnCallAsync);
        if (options.AsyncCalls is { } asyncCalls)
        {
            // Callbacks time out per attempt (CallbackTimeout), not per client.
            _callbackClient = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var room = new NodeAsyncRoom(_room, filled: () => _ = _subscriptions.ResyncAsync(), released: OnSlotReleased);
            _worker = new AsyncCallWorker(
                _connection, _subjects, asyncCalls, executor, room, NodeId, _callbackClient,
                logs.CreateLogger<AsyncCallWorker>(), _time);
        }
    }

    /// <summary>The capacity a node takes when none is configured: <see cref="FnPipelineOptions.MaxContainers"/>'s default.</summary>
    public static int DefaultCapacity { get; } = new FnPipelineOptions().MaxContainers;

    /// <summary>The node's id in the fleet.</summary>
    public string NodeId { get; }

    /// <summary>Most calls the node runs at once.</summary>
    public int Capacity => _room.Capacity;

    /// <summary>Calls running on the node now (synchronous and asynchronous).</summary>
    public int InFlight => _room.InFlight;

    /// <summary>Whether the node also runs the fleet's asynchronous calls (<see cref="FleetNodeOptions.AsyncCalls"/>).</summary>
    public bool RunsAsyncCalls => _worker is not null;

    /// <summary>Connects to NATS, subscribes while it has room, and starts announcing itself.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        try
        {
            await _connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new FnEngineException(
                $"Fleet node {NodeId}: cannot reach NATS at {_fleet.Url} (fleet '{_fleet.Fleet}'): {ex.Message}. " +
                "Fix: start the NATS servers or correct --nats / FNPIPELINE_NATS_URL", ex);
        }

        await _subscriptions.AddControlAsync(_subjects.Status, OnStatusAsync, cancellationToken).ConfigureAwait(false);
        await _subscriptions.AddControlAsync(_subjects.Cancel(NodeId), _calls.OnCancelAsync, cancellationToken).ConfigureAwait(false);
        await _subscriptions.ResyncAsync().ConfigureAwait(false);
        await _connection.PingAsync(cancellationToken).ConfigureAwait(false);
        if (_worker is not null)
        {
            try
            {
                await _worker.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException)
            {
                throw new FnEngineException(
                    $"Fleet node {NodeId}: cannot set up the asynchronous calls stream {_subjects.AsyncStream} on NATS at {_fleet.Url}: {ex.Message}. " +
                    "Fix: check that the servers run JetStream (and FleetAsyncOptions.Replicas fits the cluster)", ex);
            }
        }

        await AnnounceAsync(CancellationToken.None).ConfigureAwait(false);
        _announcer = AnnounceLoopAsync(_stopping.Token);
        NodeLog.Started(_logger, NodeId, _fleet.Fleet, _fleet.Url, Capacity);
    }

    /// <summary>
    /// Drains: unsubscribes from every call subject at once (no new call reaches the node), waits for the running
    /// calls (up to <see cref="FleetNodeOptions.DrainTimeout"/> or until <paramref name="cancellationToken"/>, then
    /// cancels them: their callers get 503 "ShuttingDown"), then stops announcing and leaves.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        _room.Drain();
        NodeLog.Draining(_logger, NodeId, _room.InFlight);
        await _subscriptions.ResyncAsync().ConfigureAwait(false);
        await AnnounceAsync(CancellationToken.None).ConfigureAwait(false);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(_options.DrainTimeout);

        // The worker stops pulling at once (calls not taken stay in the stream for other nodes) and finishes its runs;
        // at the drain's end it abandons them unacknowledged, and the stream hands them to another node.
        var asyncStopped = _worker?.StopAsync(drain.Token) ?? Task.CompletedTask;
        if (_room.InFlight > 0)
        {
            try
            {
                await _idle.Task.WaitAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                NodeLog.DrainTimedOut(_logger, NodeId, _options.DrainTimeout, _room.InFlight);
                await _calls.CancelAllAsync().ConfigureAwait(false);

                // The cancelled calls answer their callers at once (the executor's cancellation rule).
                await _idle.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
            }
        }

        await asyncStopped.ConfigureAwait(false);

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_announcer is not null)
        {
            await _announcer.ConfigureAwait(false);
        }

        await _subscriptions.DisposeControlsAsync().ConfigureAwait(false);

        NodeLog.Stopped(_logger, NodeId);
    }

    /// <summary>Stops (draining) if it was started, then closes its NATS connection. The executor is not disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        Interlocked.Exchange(ref _state, 2);
        if (_worker is not null && Interlocked.Exchange(ref _workerDisposed, 1) == 0)
        {
            await _worker.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsConnection)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _callbackClient?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// For tests: the node dies as a killed process would, without draining or a word to its callers: its NATS
    /// connection closes at once and its running calls are cancelled on the executor.
    /// </summary>
    internal void Crash()
    {
        _replies.Crash(); // a killed process sends nothing more
        Interlocked.Exchange(ref _state, 2);
        _room.Drain();
        _stopping.Cancel();
        _worker?.Abandon();
        _ = _calls.CancelAllAsync();

        _ = _connection.DisposeAsync().AsTask();
    }

    /// <summary>This node's announcement now.</summary>
    public NodeAnnouncement Announcement() => new()
    {
        NodeId = NodeId,
        Fleet = _fleet.Fleet,
        EngineEndpoint = _options.EngineEndpoint,
        EngineVersion = _options.EngineVersion,
        Capacity = _room.Capacity,
        InFlight = _room.InFlight,
        Draining = _room.Draining,
        HotFunctions = _room.HotFunctions(),
        StartedAt = _startedAt,
        At = _time.GetUtcNow(),
    };

    /// <summary>An asynchronous call gave its slot back: subscribe again when there is room, end a drain when it was the last.</summary>
    private void OnSlotReleased()
    {
        _ = _subscriptions.ResyncAsync();
        SignalIdleWhenDrained();
    }

    private void SignalIdleWhenDrained()
    {
        if (_room.InFlight == 0 && _room.Draining)
        {
            _idle.TrySetResult();
        }
    }

    private async Task OnStatusAsync(NatsMsg<NatsMemoryOwner<byte>> msg)
    {
        using var payload = msg.Data;
        if (msg.ReplyTo is { } replyTo)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(Announcement(), FleetJsonContext.Default.NodeAnnouncement);
            await _replies.PublishAsync(replyTo, json, "status", "status reply").ConfigureAwait(false);
        }
    }

    private async Task AnnounceLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.AnnounceInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await _subscriptions.ResyncAsync().ConfigureAwait(false); // forgets functions no longer hot
                await AnnounceAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(Announcement(), FleetJsonContext.Default.NodeAnnouncement);
        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(_fleet.ConnectTimeout);
            await _connection.PublishAsync(_subjects.Announce, json, cancellationToken: bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            NodeLog.PublishFailed(_logger, NodeId, "announcement", ex);
        }
    }
}
