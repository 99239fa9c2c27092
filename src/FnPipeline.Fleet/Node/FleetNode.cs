using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
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
public sealed partial class FleetNode : IHostedService, IAsyncDisposable
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
    private readonly SemaphoreSlim _subscriptionLock = new(1, 1);
    private readonly Dictionary<string, Subscription> _callSubscriptions = new(StringComparer.Ordinal);
    private readonly List<Subscription> _controlSubscriptions = [];
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DateTimeOffset _startedAt;
    private readonly AsyncCallWorker? _worker;
    private readonly HttpClient? _callbackClient;
    private Task? _announcer;
    private int _state; // 0 new, 1 started, 2 stopping/stopped
    private int _workerDisposed;
    private volatile bool _crashed;

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
        NodeId = options.NodeId ?? DefaultNodeId();
        _room = new NodeRoom(options.MaxInFlight > 0 ? options.MaxInFlight : DefaultCapacity, _time);
        _ownsConnection = connection is null;
        _connection = connection ?? FleetConnections.Create(WithName(fleet, NodeId));
        _startedAt = _time.GetUtcNow();
        if (options.AsyncCalls is { } asyncCalls)
        {
            // Callbacks time out per attempt (CallbackTimeout), not per client.
            _callbackClient = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var room = new NodeAsyncRoom(_room, filled: () => _ = ResyncAsync(), released: OnSlotReleased);
            _worker = new AsyncCallWorker(
                _connection, _subjects, asyncCalls, executor, room, NodeId, _callbackClient,
                (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<AsyncCallWorker>(), _time);
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

        _controlSubscriptions.Add(await SubscribeAsync(_subjects.Status, queueGroup: null, OnStatusAsync, cancellationToken).ConfigureAwait(false));
        _controlSubscriptions.Add(await SubscribeAsync(_subjects.Cancel(NodeId), queueGroup: null, OnCancelAsync, cancellationToken).ConfigureAwait(false));
        await ResyncAsync().ConfigureAwait(false);
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
        await ResyncAsync().ConfigureAwait(false);
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
                foreach (var running in _running.Values)
                {
                    await CancelQuietlyAsync(running).ConfigureAwait(false);
                }

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

        foreach (var control in _controlSubscriptions)
        {
            await control.DisposeAsync().ConfigureAwait(false);
        }

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
        _crashed = true; // a killed process sends nothing more
        Interlocked.Exchange(ref _state, 2);
        _room.Drain();
        _stopping.Cancel();
        _worker?.Abandon();
        foreach (var running in _running.Values)
        {
            running.Cancel();
        }

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

    /// <summary>Brings the call subscriptions in line with the room: none when full or draining, else any + hot.</summary>
    private async Task ResyncAsync()
    {
        await _subscriptionLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        // Bounded: while NATS reconnects, a subscribe waits; the next resync (every announce tick) tries again.
        using var bound = new CancellationTokenSource(_fleet.ConnectTimeout);
        try
        {
            var wanted = _room.Subjects();
            var subjects = new HashSet<string>(StringComparer.Ordinal);
            if (wanted.Any)
            {
                subjects.Add(_subjects.SyncAny);
            }

            foreach (var key in wanted.HotKeys)
            {
                subjects.Add(_subjects.SyncHot(key));
            }

            foreach (var subject in _callSubscriptions.Keys.Where(s => !subjects.Contains(s)).ToList())
            {
                var gone = _callSubscriptions[subject];
                _callSubscriptions.Remove(subject);
                // Unsubscribing completes the reader; messages already delivered are still answered (busy when full).
                await gone.UnsubscribeAsync().WaitAsync(bound.Token).ConfigureAwait(false);
            }

            foreach (var subject in subjects.Where(s => !_callSubscriptions.ContainsKey(s)))
            {
                _callSubscriptions[subject] = await SubscribeAsync(subject, _subjects.NodesQueueGroup, OnCallAsync, bound.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // NATS reconnects on its own and restores the subscriptions it had; the next resync retries the rest.
            NodeLog.SubscribeFailed(_logger, NodeId, ex);
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    private async Task<Subscription> SubscribeAsync(
        string subject, string? queueGroup, Func<NatsMsg<NatsMemoryOwner<byte>>, Task> handler, CancellationToken cancellationToken)
    {
        var sub = await _connection.SubscribeCoreAsync<NatsMemoryOwner<byte>>(subject, queueGroup, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new Subscription(sub, ReadAsync(sub, handler));
    }

    private static async Task ReadAsync(INatsSub<NatsMemoryOwner<byte>> sub, Func<NatsMsg<NatsMemoryOwner<byte>>, Task> handler)
    {
        // Handlers run concurrently: each takes (or refuses) its slot synchronously before its first await.
        while (await sub.Msgs.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (sub.Msgs.TryRead(out var msg))
            {
                _ = handler(msg);
            }
        }
    }

    private async Task OnCallAsync(NatsMsg<NatsMemoryOwner<byte>> msg)
    {
        using var payload = msg.Data;
        if (msg.ReplyTo is not { } replyTo)
        {
            return;
        }

        if (!_room.TryTake())
        {
            NodeLog.Busy(_logger, NodeId, msg.Subject);
            await PublishQuietlyAsync(replyTo, SyncReplies.Busy, "busy reply").ConfigureAwait(false);
            return;
        }

        if (_room.InFlight >= _room.Capacity)
        {
            _ = ResyncAsync(); // full now: leave every call subject at once
        }

        CallOutcome outcome;
        ReadOnlyMemory<byte> output = default;
        InvocationResult? result = null;
        try
        {
            (outcome, result) = await RunAsync(msg.Subject, payload.Memory, replyTo).ConfigureAwait(false);
            output = result?.Output ?? default;
        }
        finally
        {
            _room.Release();
            // Subscribed again (and to the hot subject when the call made its function hot) before the reply goes out,
            // on the same connection: the caller's next call already finds this node on the hot subject.
            await ResyncAsync().ConfigureAwait(false);
            SignalIdleWhenDrained();
        }

        using (result)
        {
            if (!_crashed)
            {
                await PublishOutcomeAsync(replyTo, outcome, output).ConfigureAwait(false);
            }
        }
    }

    /// <summary>An asynchronous call gave its slot back: subscribe again when there is room, end a drain when it was the last.</summary>
    private void OnSlotReleased()
    {
        _ = ResyncAsync();
        SignalIdleWhenDrained();
    }

    private void SignalIdleWhenDrained()
    {
        if (_room.InFlight == 0 && _room.Draining)
        {
            _idle.TrySetResult();
        }
    }

    private async Task<(CallOutcome Outcome, InvocationResult? Result)> RunAsync(string subject, ReadOnlyMemory<byte> payload, string replyTo)
    {
        CallSpec spec;
        ReadOnlyMemory<byte> input;
        try
        {
            var (head, body) = FleetFrame.Read(new ReadOnlySequence<byte>(payload), FleetJsonContext.Default.CallSpec);
            spec = head;
            input = payload[(int)(payload.Length - body.Length)..];
        }
        catch (FleetProtocolException ex)
        {
            NodeLog.BadMessage(_logger, NodeId, subject, ex);
            return (ErrorOutcome("", new FnError(FnErrorKind.InvalidCall, 400, $"node {NodeId}: {ex.Message}")), null);
        }

        var callId = spec.CallId ?? Guid.CreateVersion7().ToString("N");
        spec = spec with { CallId = callId };
        NodeLog.CallTaken(_logger, NodeId, callId, subject);
        await PublishQuietlyAsync(replyTo, SyncReplies.Accepted, "accepted reply").ConfigureAwait(false);
        using var cancel = new CancellationTokenSource();
        _running[callId] = cancel;
        using var heartbeats = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(replyTo, heartbeats.Token);
        try
        {
            var result = await _executor.InvokeAsync(spec.ToCall(CallInput.FromBytes(input)), cancel.Token).ConfigureAwait(false);
            if (result.Status == InvocationStatus.Cancelled && _room.Draining && cancel.IsCancellationRequested)
            {
                result.Dispose();
                return (ErrorOutcome(callId, new FnError(FnErrorKind.ShuttingDown, 503, $"node {NodeId} shut down before the call finished")), null);
            }

            if (spec.Format == FunctionFormat.HttpStream && result.ContainerId is not null
                && (result.IsSuccess || result.Error?.Kind == FnErrorKind.FunctionFailed))
            {
                var idle = spec.IdleTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : _options.HotIdleTimeout;
                _room.MarkHot(FleetFunctionKey.Compute(spec), spec.FunctionName, spec.Image, idle);
            }

            return (CallOutcome.From(result, NodeId), result);
        }
        catch (InvalidFunctionCallException ex)
        {
            return (ErrorOutcome(callId, new FnError(FnErrorKind.InvalidCall, 400, ex.Message)), null);
        }
        catch (Exception ex)
        {
            NodeLog.CallFailed(_logger, NodeId, callId, ex);
            return (ErrorOutcome(callId, new FnError(FnErrorKind.EngineError, 502, $"node {NodeId}: {ex.Message}")), null);
        }
        finally
        {
            _running.TryRemove(callId, out _);
            await heartbeats.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    private CallOutcome ErrorOutcome(string callId, FnError error) => new()
    {
        CallId = callId,
        Status = InvocationStatus.Error,
        ErrorKind = error.Kind,
        ErrorStatusCode = error.StatusCode,
        ErrorMessage = error.Message,
        NodeId = NodeId,
    };

    private async Task HeartbeatAsync(string replyTo, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await PublishQuietlyAsync(replyTo, SyncReplies.Working, "heartbeat").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The call finished.
        }
    }

    private async Task PublishOutcomeAsync(string replyTo, CallOutcome outcome, ReadOnlyMemory<byte> output)
    {
        var frame = new ArrayBufferWriter<byte>(output.Length + 1024);
        FleetFrame.Write(frame, outcome, FleetJsonContext.Default.CallOutcome, output.Span);
        try
        {
            using var bound = new CancellationTokenSource(_fleet.ConnectTimeout);
            await _connection.PublishAsync(replyTo, frame.WrittenMemory, SyncReplies.Headers(SyncReplies.Outcome, NodeId), cancellationToken: bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // E.g. larger than the servers' max_payload: the caller gets the error instead of waiting for a lost node.
            NodeLog.PublishFailed(_logger, NodeId, "outcome", ex);
            var error = ErrorOutcome(outcome.CallId, new FnError(FnErrorKind.EngineError, 502, $"node {NodeId} could not send the result: {ex.Message}"));
            frame.ResetWrittenCount();
            FleetFrame.Write(frame, error, FleetJsonContext.Default.CallOutcome, []);
            await PublishQuietlyAsync(replyTo, frame.WrittenMemory, SyncReplies.Outcome, "outcome").ConfigureAwait(false);
        }
    }

    private Task PublishQuietlyAsync(string subject, string kind, string what) =>
        PublishQuietlyAsync(subject, ReadOnlyMemory<byte>.Empty, kind, what);

    private async Task PublishQuietlyAsync(string subject, ReadOnlyMemory<byte> data, string kind, string what)
    {
        if (_crashed)
        {
            return;
        }

        try
        {
            // Bounded: while NATS reconnects a publish waits, and a reply that late is of no use to its caller.
            using var bound = new CancellationTokenSource(_fleet.ConnectTimeout);
            await _connection.PublishAsync(subject, data, SyncReplies.Headers(kind, NodeId), cancellationToken: bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            NodeLog.PublishFailed(_logger, NodeId, what, ex);
        }
    }

    private async Task OnStatusAsync(NatsMsg<NatsMemoryOwner<byte>> msg)
    {
        using var payload = msg.Data;
        if (msg.ReplyTo is { } replyTo)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(Announcement(), FleetJsonContext.Default.NodeAnnouncement);
            await PublishQuietlyAsync(replyTo, json, "status", "status reply").ConfigureAwait(false);
        }
    }

    private async Task OnCancelAsync(NatsMsg<NatsMemoryOwner<byte>> msg)
    {
        using var payload = msg.Data;
        if (msg.Headers is { } headers && headers.TryGetValue(SyncReplies.CallHeader, out var callId)
            && _running.TryGetValue(callId.ToString(), out var running))
        {
            await CancelQuietlyAsync(running).ConfigureAwait(false);
        }
    }

    private static async Task CancelQuietlyAsync(CancellationTokenSource running)
    {
        try
        {
            await running.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The call finished meanwhile.
        }
    }

    private async Task AnnounceLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.AnnounceInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await ResyncAsync().ConfigureAwait(false); // forgets functions no longer hot
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

    private static FleetOptions WithName(FleetOptions fleet, string nodeId)
    {
        if (fleet.ClientName is not null)
        {
            return fleet;
        }

        return new FleetOptions
        {
            Url = fleet.Url, Fleet = fleet.Fleet, User = fleet.User, Password = fleet.Password, Token = fleet.Token,
            NKeyFile = fleet.NKeyFile, CredsFile = fleet.CredsFile, TlsCaFile = fleet.TlsCaFile, TlsCertFile = fleet.TlsCertFile,
            TlsKeyFile = fleet.TlsKeyFile, ConnectTimeout = fleet.ConnectTimeout, ClientName = $"fnpipe-node {nodeId}",
        };
    }

    private static string DefaultNodeId()
    {
        var host = NotSubjectSafe().Replace(Environment.MachineName, "-");
        host = host.Length > 50 ? host[..50] : host;
        return $"{host}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3])}";
    }

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex NotSubjectSafe();

    /// <summary>A subscription and the loop reading it.</summary>
    private sealed class Subscription(INatsSub<NatsMemoryOwner<byte>> sub, Task reader) : IAsyncDisposable
    {
        /// <summary>The reader ends on its own once the messages already delivered are handled (never awaited: a
        /// subscription ended while NATS reconnects must not hold the node's subscription lock).</summary>
        public Task Reader => reader;

        public async Task UnsubscribeAsync() => await sub.UnsubscribeAsync().ConfigureAwait(false);

        public async ValueTask DisposeAsync()
        {
            await UnsubscribeAsync().ConfigureAwait(false);
            await sub.DisposeAsync().ConfigureAwait(false);
        }
    }
}
