using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Client;

/// <summary>
/// An <see cref="IFnExecutor"/> that runs calls on a fleet of nodes over NATS (docs/fleet.md, "Clients"). A call of an
/// http-stream function goes first to the nodes where it is hot, else to any node with room; a call no node can take
/// because none exists, or NATS cannot be reached, is answered 503 <see cref="FnErrorKind.FleetUnavailable"/> at once;
/// a call whose node stops answering after it accepted it is answered 502 <see cref="FnErrorKind.NodeLost"/> and is
/// never sent to a second node. It reconnects to NATS on its own. Thread-safe; one instance serves a whole program.
/// </summary>
public sealed partial class FleetExecutor : IFnExecutor
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(200);
    private readonly FleetOptions _fleet;
    private readonly FleetClientOptions _options;
    private readonly NatsConnection _connection;
    private readonly bool _ownsConnection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly ConcurrentDictionary<long, Channel<SyncReply>> _pending = new();
    private readonly string _inbox;
    private INatsSub<NatsMemoryOwner<byte>>? _inboxSub;
    private Task? _inboxReader;
    private long _nextReply;
    private CancellationTokenSource _connectionLost = new();
    private int _disposed;

    /// <summary>
    /// A client of the fleet <paramref name="fleet"/> names (not connected yet: the first call or
    /// <see cref="StartAsync"/> connects). Options are validated here.
    /// </summary>
    public FleetExecutor(FleetOptions fleet, FleetClientOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(fleet, options ?? new FleetClientOptions(), connection: null, loggerFactory, timeProvider)
    {
    }

    internal FleetExecutor(FleetOptions fleet, FleetClientOptions options, NatsConnection? connection, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(options);
        FleetOptionsValidation.ThrowIfInvalid(fleet);
        ThrowIfInvalid(options);
        _fleet = fleet;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FleetExecutor>();
        Subjects = new FleetSubjects(fleet.Fleet);
        InstanceId = string.IsNullOrWhiteSpace(options.InstanceId) ? Guid.NewGuid().ToString("N")[..12] : options.InstanceId.Trim();
        _ownsConnection = connection is null;
        _connection = connection ?? FleetConnections.Create(fleet);
        _inbox = $"{_connection.Opts.InboxPrefix}.fnp.{InstanceId}.{Guid.NewGuid():N}";
        _connection.ConnectionDisconnected += OnDisconnectedAsync;
    }

    /// <inheritdoc />
    public string InstanceId { get; }

    /// <summary>The fleet's subjects.</summary>
    internal FleetSubjects Subjects { get; }

    /// <summary>The NATS connection (connected by <see cref="EnsureConnectedAsync"/>).</summary>
    internal NatsConnection Connection => _connection;

    /// <summary>Connects to NATS; throws <see cref="FnEngineException"/> naming the servers when none can be reached.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw new FnEngineException(problem);
        }
    }

    /// <inheritdoc />
    public async Task<InvocationResult> InvokeAsync(FunctionCall functionCall, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(functionCall);
        FunctionCallValidator.ThrowIfInvalid(functionCall);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var callId = string.IsNullOrEmpty(functionCall.CallId) ? Guid.CreateVersion7().ToString("N") : functionCall.CallId;
        if (cancellationToken.IsCancellationRequested)
        {
            return Cancelled(callId);
        }

        try
        {
            if (await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false) is { } problem)
            {
                return Unavailable(callId, functionCall.Image, problem);
            }

            var spec = CallSpec.From(functionCall) with { CallId = callId };
            var frame = await FrameAsync(spec, functionCall, cancellationToken).ConfigureAwait(false);
            var key = FleetFunctionKey.Compute(spec);
            string[] subjects = functionCall.Format == FunctionFormat.HttpStream
                ? [Subjects.SyncHot(key), Subjects.SyncAny]
                : [Subjects.SyncAny];
            return await PlaceAsync(callId, functionCall.Image, subjects, frame.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Cancelled(callId);
        }
    }

    /// <summary>
    /// Sends the call to the first subject with a node that takes it: the hot subject, then the any-subject. A "busy"
    /// answer (the call raced into a node that had just filled up) or every node full starts over after a short wait,
    /// up to <see cref="FleetClientOptions.QueueTimeout"/>; no node at all is an immediate 503.
    /// </summary>
    private async Task<InvocationResult> PlaceAsync(
        string callId, string image, string[] subjects, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var giveUpAt = _time.GetUtcNow() + _options.QueueTimeout;
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            var sawBusy = false;
            foreach (var subject in subjects)
            {
                var attempt = await AttemptAsync(callId, image, subject, frame, cancellationToken).ConfigureAwait(false);
                if (attempt.Result is { } result)
                {
                    return result;
                }

                if (attempt.Busy)
                {
                    sawBusy = true;
                    break;
                }
            }

            if (!sawBusy && !await AnyNodeAsync(cancellationToken).ConfigureAwait(false))
            {
                return Unavailable(callId, image, $"no node of fleet '{_fleet.Fleet}' answered on {_fleet.Url}; the call did not run");
            }

            if (_time.GetUtcNow() >= giveUpAt)
            {
                return CallOutcomes.Result(callId, InvocationStatus.Error, CallOutcomes.TooBusy(
                    $"every node of fleet '{_fleet.Fleet}' stayed full for {_options.QueueTimeout.TotalSeconds:0.#} s (FleetClientOptions.QueueTimeout); the call did not run"));
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    /// <summary>One request on <paramref name="subject"/>: a final result, or "no responders" / "busy" (the call did not run).</summary>
    private async Task<Attempt> AttemptAsync(
        string callId, string image, string subject, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextReply);
        var replies = Channel.CreateUnbounded<SyncReply>(new UnboundedChannelOptions { SingleReader = true });
        _pending[id] = replies;
        try
        {
            // A connection lost before a node acknowledged the call ends the wait at once (the reply could not come).
            var lost = _connectionLost.Token;
            using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lost);
            try
            {
                watch.CancelAfter(_fleet.ConnectTimeout);
                await _connection.PublishAsync(subject, frame, replyTo: $"{_inbox}.{id}", cancellationToken: watch.Token).ConfigureAwait(false);
                watch.CancelAfter(Timeout.InfiniteTimeSpan);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                return new Attempt(Unavailable(callId, image, $"sending the call to NATS at {_fleet.Url} failed ({ex.Message}); the call did not run"));
            }

            SyncReply? first;
            try
            {
                first = await ReadAsync(replies, _options.AcceptTimeout, watch.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                first = null;
            }

            if (lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested && first is null)
            {
                return new Attempt(Unavailable(callId, image,
                    $"the connection to NATS at {_fleet.Url} was lost before a node acknowledged the call; it was not sent again"));
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (first is not { } reply)
            {
                // Nothing ran: a node acknowledges before it runs a call. The request was lost in flight (typically it
                // reached a node as that node filled up and left the subject), so it is placed again.
                ClientLog.NotAcknowledged(_logger, callId, subject, _options.AcceptTimeout);
                return Attempt.NodeBusy;
            }

            using (reply.Payload)
            {
                if (reply.NoResponders)
                {
                    return Attempt.NoResponders;
                }

                switch (reply.Kind)
                {
                    case SyncReplies.Busy:
                        ClientLog.Busy(_logger, callId, reply.NodeId ?? "?");
                        return Attempt.NodeBusy;
                    case SyncReplies.Outcome:
                        // The caller owns the result (its pooled output): the attempt only carries it there.
#pragma warning disable CA2000
                        return new Attempt(ToResult(reply.Payload));
#pragma warning restore CA2000
                }
            }

            return new Attempt(await AwaitOutcomeAsync(callId, image, reply.NodeId ?? "?", replies, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _pending.TryRemove(id, out _);
            while (replies.Reader.TryRead(out var stale))
            {
                stale.Payload.Dispose();
            }
        }
    }

    /// <summary>After "accepted": heartbeats until the outcome; silence past <see cref="FleetClientOptions.NodeLostAfter"/> is a lost node.</summary>
    private async Task<InvocationResult> AwaitOutcomeAsync(
        string callId, string image, string nodeId, Channel<SyncReply> replies, CancellationToken cancellationToken)
    {
        while (true)
        {
            SyncReply? next;
            try
            {
                next = await ReadAsync(replies, _options.NodeLostAfter, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await TellCancelAsync(nodeId, callId).ConfigureAwait(false);
                throw;
            }

            if (next is not { } reply)
            {
                ClientLog.NodeLost(_logger, callId, image, nodeId);
                return CallOutcomes.Result(callId, InvocationStatus.Error, new FnError(FnErrorKind.NodeLost, 502,
                    $"node {nodeId} of fleet '{_fleet.Fleet}' accepted the call of {image} and then stopped answering for " +
                    $"{_options.NodeLostAfter.TotalSeconds:0.#} s (FleetClientOptions.NodeLostAfter); the call may have run, and was not sent again"));
            }

            using (reply.Payload)
            {
                if (reply.Kind == SyncReplies.Outcome)
                {
                    return ToResult(reply.Payload);
                }
            }
        }
    }

    private async Task TellCancelAsync(string nodeId, string callId)
    {
        try
        {
            var headers = new NatsHeaders { [SyncReplies.CallHeader] = callId };
            using var timeout = new CancellationTokenSource(_fleet.ConnectTimeout);
            await _connection.PublishAsync(Subjects.Cancel(nodeId), headers: headers, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ClientLog.CancelFailed(_logger, nodeId, callId, ex);
        }
    }

    /// <summary>
    /// The next reply, or null when none came within <paramref name="timeout"/>; a cancelled
    /// <paramref name="cancellationToken"/> throws (the callers tell a lost connection from their caller's cancellation).
    /// </summary>
    private static async Task<SyncReply?> ReadAsync(Channel<SyncReply> replies, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (replies.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await replies.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Whether any node of the fleet exists (answers <c>node.status</c>): full nodes hold no call subscription.</summary>
    private async Task<bool> AnyNodeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var reply = (await _connection.RequestAsync<NatsMemoryOwner<byte>>(
                Subjects.Status,
                replyOpts: new NatsSubOpts { Timeout = _options.AcceptTimeout, ThrowIfNoResponders = true },
                cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
            return true;
        }
        catch (NatsNoRespondersException)
        {
            return false;
        }
        catch (NatsNoReplyException)
        {
            return false;
        }
    }

    private static InvocationResult ToResult(NatsMemoryOwner<byte> payload)
    {
        var memory = payload.Memory;
        var (outcome, body) = FleetFrame.Read(new ReadOnlySequence<byte>(memory), FleetJsonContext.Default.CallOutcome);
        return outcome.ToResult(memory.Span[(int)(memory.Length - body.Length)..]);
    }

    /// <summary>The call's frame: its document, then its input (read to the end when it is a stream), within max_payload.</summary>
    private async Task<ArrayBufferWriter<byte>> FrameAsync(CallSpec spec, FunctionCall call, CancellationToken cancellationToken)
    {
        var maxPayload = _connection.ServerInfo?.MaxPayload ?? 1024 * 1024;
        var input = call.Input;
        var frame = new ArrayBufferWriter<byte>((int)Math.Min(maxPayload, (input.Length ?? 0) + 1024));
        FleetFrame.WriteHead(frame, spec, FleetJsonContext.Default.CallSpec);
        if (input.Stream is { } stream)
        {
            while (true)
            {
                var read = await stream.ReadAsync(frame.GetMemory(64 * 1024), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                frame.Advance(read);
                ThrowIfTooLarge(call, frame.WrittenCount, maxPayload);
            }
        }
        else
        {
            frame.Write(input.Bytes.Span);
        }

        ThrowIfTooLarge(call, frame.WrittenCount, maxPayload);
        return frame;
    }

    private static void ThrowIfTooLarge(FunctionCall call, long size, long maxPayload)
    {
        if (size > maxPayload)
        {
            throw new InvalidFunctionCallException(call.Image,
            [
                $"the call's message is over {size} bytes (input and call document), more than the NATS servers' max_payload of {maxPayload} bytes: send a smaller input or raise max_payload",
            ]);
        }
    }

    /// <summary>Null when connected (connecting now if needed), else the problem; never waits on a reconnecting connection.</summary>
    internal async Task<string?> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_connection.ConnectionState == NatsConnectionState.Open && _inboxSub is not null)
        {
            return null;
        }

        if (_connection.ConnectionState == NatsConnectionState.Reconnecting)
        {
            return $"NATS at {_fleet.Url} is unreachable (reconnecting); the call did not run";
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection.ConnectionState != NatsConnectionState.Open)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_fleet.ConnectTimeout);
                await _connection.ConnectAsync().AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            }

            if (_inboxSub is null)
            {
                _inboxSub = await _connection.SubscribeCoreAsync<NatsMemoryOwner<byte>>($"{_inbox}.*", cancellationToken: cancellationToken).ConfigureAwait(false);
                _inboxReader = ReadInboxAsync(_inboxSub);
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"NATS at {_fleet.Url} did not answer within {_fleet.ConnectTimeout.TotalSeconds:0.#} s (ConnectTimeout); the call did not run";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"NATS at {_fleet.Url} is unreachable ({ex.Message}); the call did not run";
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        var lost = Interlocked.Exchange(ref _connectionLost, new CancellationTokenSource());
        // Not disposed: a call may be reading its token right now (it is a small object; the GC takes it).
        lost.Cancel();
        return ValueTask.CompletedTask;
    }

    /// <summary>Hands every message on the inbox to the call waiting for it (by the reply subject's last token).</summary>
    private async Task ReadInboxAsync(INatsSub<NatsMemoryOwner<byte>> sub)
    {
        var prefixLength = _inbox.Length + 1;
        while (await sub.Msgs.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (sub.Msgs.TryRead(out var msg))
            {
                var reply = new SyncReply(SyncReplies.KindOf(msg.Headers), SyncReplies.NodeOf(msg.Headers), msg.HasNoResponders, msg.Data);
                if (msg.Subject.Length <= prefixLength
                    || !long.TryParse(msg.Subject.AsSpan(prefixLength), out var id)
                    || !_pending.TryGetValue(id, out var waiting)
                    || !waiting.Writer.TryWrite(reply))
                {
                    reply.Payload.Dispose(); // a late reply to a call that already has its answer
                }
            }
        }
    }

    private InvocationResult Unavailable(string callId, string image, string message)
    {
        ClientLog.Unavailable(_logger, callId, image, message);
        return CallOutcomes.Result(callId, InvocationStatus.Error, new FnError(FnErrorKind.FleetUnavailable, 503, message));
    }

    private static InvocationResult Cancelled(string callId) =>
        CallOutcomes.Result(callId, InvocationStatus.Cancelled, CallOutcomes.Cancelled());

    /// <summary>Closes the NATS connection (when this client made it); calls still waiting are answered as their connection ends.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_inboxSub is not null)
        {
            await _inboxSub.DisposeAsync().ConfigureAwait(false);
        }

        if (_inboxReader is not null)
        {
            await _inboxReader.ConfigureAwait(false);
        }

        if (_ownsConnection)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }

    private static void ThrowIfInvalid(FleetClientOptions options)
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { ("AcceptTimeout", options.AcceptTimeout), ("NodeLostAfter", options.NodeLostAfter), ("QueueTimeout", options.QueueTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{name} must be positive (was {value})");
            }
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FleetClientOptions), problems);
        }
    }

    /// <summary>What one request ended with: a result (final), or nothing ran (no responders, busy).</summary>
    private readonly record struct Attempt(InvocationResult? Result, bool Busy = false)
    {
        public static Attempt NoResponders => new(null);

        public static Attempt NodeBusy => new(null, Busy: true);
    }
}
