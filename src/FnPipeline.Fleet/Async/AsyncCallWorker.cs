using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// A node's share of the asynchronous calls (docs/fleet.md, "Asynchronous calls"): while the node has room it pulls one
/// call at a time from the durable consumer, takes a slot, runs the call on the node's executor, keeps the message alive
/// with progress acknowledgements, stores the result create-only, POSTs it to the callback URL, and only then
/// acknowledges. Engine failures are retried with back-off (a negative acknowledgement with a delay); a function's own
/// failure is its result unless the call asked otherwise.
/// </summary>
internal sealed class AsyncCallWorker : IAsyncDisposable
{
    // How often a full node looks again for room freed by calls the worker did not run (synchronous ones).
    private static readonly TimeSpan RoomRecheck = TimeSpan.FromMilliseconds(100);

    private readonly NatsConnection _connection;
    private readonly NatsJSContext _js;
    private readonly FleetSubjects _subjects;
    private readonly FleetAsyncOptions _options;
    private readonly IFnExecutor _executor;
    private readonly IAsyncCallRoom _room;
    private readonly CallbackSender _callbacks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopPulling = new();
    private readonly CancellationTokenSource _abandonRuns = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly SemaphoreSlim _roomFreed = new(0, int.MaxValue);
    private AsyncStores? _stores;
    private AsyncResultStore? _results;
    private FunctionInFlightLimiter? _limiter;
    private Task? _loop;

    public AsyncCallWorker(
        NatsConnection connection,
        FleetSubjects subjects,
        FleetAsyncOptions options,
        IFnExecutor executor,
        IAsyncCallRoom room,
        string nodeId,
        HttpClient callbackClient,
        ILogger? logger = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(callbackClient);
        options.ThrowIfInvalid();
        _connection = connection;
        _js = new NatsJSContext(connection);
        _subjects = subjects;
        _options = options;
        _executor = executor;
        _room = room;
        NodeId = nodeId;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _callbacks = new CallbackSender(callbackClient, options, _time, _logger);
    }

    public string NodeId { get; }

    /// <summary>Calls this worker runs now (taken, not yet acknowledged).</summary>
    public int Running => _running.Count;

    /// <summary>Creates the stream, consumer and buckets when missing, then starts pulling.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _connection.ConnectAsync().ConfigureAwait(false);
        _stores = await AsyncProvisioning.EnsureAsync(_js, _subjects, _options, cancellationToken).ConfigureAwait(false);
        _results = new AsyncResultStore(_stores.Results, _time);
        _limiter = new FunctionInFlightLimiter(_stores.Limits);
        _loop = Task.Run(() => PullLoopAsync(_stopPulling.Token), CancellationToken.None);
        AsyncLog.Started(_logger, NodeId, _subjects.Fleet, _subjects.AsyncStream, _subjects.AsyncConsumer);
    }

    /// <summary>
    /// Stops pulling and waits for the calls running here to be stored and acknowledged; past
    /// <paramref name="cancellationToken"/> they are abandoned unacknowledged (the stream hands them to another node).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopPulling.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        AsyncLog.Stopping(_logger, NodeId, _running.Count);
        try
        {
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abandonRuns.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        }
    }

    /// <summary>For a node that dies (tests): stops pulling and abandons every run at once, acknowledging nothing.</summary>
    internal void Abandon()
    {
        _stopPulling.Cancel();
        _abandonRuns.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        using var now = new CancellationTokenSource();
        await now.CancelAsync().ConfigureAwait(false);
        await StopAsync(now.Token).ConfigureAwait(false);
        _stopPulling.Dispose();
        _abandonRuns.Dispose();
        _roomFreed.Dispose();
    }

    private async Task PullLoopAsync(CancellationToken stop)
    {
        var consumer = _stores!.Consumer;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!_room.HasRoom)
                {
                    // A slot this worker frees signals at once; one freed by a synchronous call is seen at the recheck.
                    await _roomFreed.WaitAsync(RoomRecheck, stop).ConfigureAwait(false);
                    continue;
                }

                var msg = await consumer.NextAsync<byte[]>(opts: new NatsJSNextOpts { Expires = _options.PullExpiry }, cancellationToken: stop)
                    .ConfigureAwait(false);
                if (msg is not { } taken)
                {
                    continue;
                }

                if (!_room.TryTake())
                {
                    // A synchronous call took the last slot meanwhile: another node (or this one later) takes it.
                    await taken.NakAsync(cancellationToken: stop).ConfigureAwait(false);
                    continue;
                }

                var run = Task.Run(() => RunOwnedSlotAsync(taken), CancellationToken.None);
                _running.TryAdd(run, 0);
                _ = run.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                // The node's connection is gone (it stops): nothing more to pull.
                return;
            }
            catch (Exception e) when (e is NatsException or NatsJSException or TimeoutException)
            {
                AsyncLog.PullFailed(_logger, NodeId, e);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RunOwnedSlotAsync(INatsJSMsg<byte[]> msg)
    {
        var slot = new SlotHolder(this);
        var callId = msg.Headers?[AsyncHeaders.CallId].ToString() is { Length: > 0 } id ? id : "?";
        try
        {
            await HandleAsync(msg, callId, slot).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // NATS or the store failed mid-way: nothing is acknowledged, the stream redelivers after the ack wait.
            AsyncLog.FailedHere(_logger, NodeId, callId, e);
        }
        finally
        {
            slot.Release();
        }
    }

    private async Task HandleAsync(INatsJSMsg<byte[]> msg, string callId, SlotHolder slot)
    {
        var abandon = _abandonRuns.Token;
        CallSpec spec;
        ReadOnlySequence<byte> body;
        try
        {
            (spec, body) = FleetFrame.Read(new ReadOnlySequence<byte>(msg.Data ?? []), FleetJsonContext.Default.CallSpec);
            callId = spec.CallId ?? callId;
            if (!AsyncCallClient.IsValidKey(callId))
            {
                throw new FleetProtocolException($"call id '{callId}' is not a results key");
            }
        }
        catch (FleetProtocolException e)
        {
            AsyncLog.BadMessage(_logger, NodeId, msg.Metadata?.Sequence.Stream ?? 0, e);
            await msg.AckTerminateAsync(cancellationToken: abandon).ConfigureAwait(false);
            return;
        }

        AsyncLog.Taken(_logger, NodeId, callId, msg.Metadata?.NumDelivered ?? 0);
        var callback = msg.Headers?.TryGetValue(AsyncHeaders.Callback, out var url) == true && Uri.TryCreate(url.ToString(), UriKind.Absolute, out var uri) ? uri : null;
        var retryFunctionFailures = msg.Headers?.TryGetValue(AsyncHeaders.RetryFunctionFailures, out var retry) == true
                                    && string.Equals(retry.ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var limit = msg.Headers?.TryGetValue(AsyncHeaders.MaxInFlight, out var max) == true
                    && int.TryParse(max.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : (int?)null;

        // A redelivery of a call already stored (its acknowledgement was lost): no second run; the callback again.
        if (await _results!.GetAsync(callId, abandon).ConfigureAwait(false) is { Record.IsDone: true } stored)
        {
            slot.Release();
            AsyncLog.Duplicate(_logger, callId, NodeId);
            if (callback is not null && stored.Record.Outcome is { } storedOutcome)
            {
                using var again = storedOutcome.ToResult(stored.Output);
                await WithProgressAsync(msg, null, ct => _callbacks.SendAsync(callback, again, storedOutcome.NodeId ?? NodeId, ct), abandon).ConfigureAwait(false);
            }

            await msg.AckAsync(cancellationToken: abandon).ConfigureAwait(false);
            return;
        }

        FunctionInFlightLimiter.Lease? lease = null;
        if (limit is { } n)
        {
            lease = await _limiter!.TryAcquireAsync(FleetFunctionKey.Compute(spec), n, callId, abandon).ConfigureAwait(false);
            if (lease is null)
            {
                slot.Release();
                AsyncLog.Limited(_logger, callId, n, _options.LimitRetryDelay);
                await msg.NakAsync(new AckOpts { NakDelay = _options.LimitRetryDelay }, abandon).ConfigureAwait(false);
                return;
            }
        }

        InvocationResult result;
        try
        {
            var call = spec.ToCall(CallInput.FromBytes(body.ToArray()));
            result = await WithProgressAsync(msg, lease, ct => RunAsync(call, ct), abandon).ConfigureAwait(false);
        }
        finally
        {
            slot.Release();
            if (lease is not null)
            {
                await lease.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        using (result)
        {
            var verdict = AsyncFailures.Classify(result, abandon.IsCancellationRequested);
            if (verdict == RunVerdict.Abandoned)
            {
                await msg.NakAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                return;
            }

            if (verdict == RunVerdict.RetryEngineFailure || (verdict == RunVerdict.FunctionFailure && retryFunctionFailures))
            {
                var error = result.Error?.ToString() ?? result.Status.ToString();
                var failedRuns = await _results.RecordFailedRunAsync(callId, error, abandon).ConfigureAwait(false);
                if (failedRuns < _options.MaxAttempts)
                {
                    var delay = _options.RetryDelayAfter(failedRuns);
                    AsyncLog.Retry(_logger, callId, failedRuns, error, delay);
                    await msg.NakAsync(new AckOpts { NakDelay = delay }, abandon).ConfigureAwait(false);
                    return;
                }

                AsyncLog.GaveUp(_logger, callId, failedRuns, error);
            }

            await StoreAndAckAsync(msg, callId, result, callback, abandon).ConfigureAwait(false);
        }
    }

    private async Task StoreAndAckAsync(INatsJSMsg<byte[]> msg, string callId, InvocationResult result, Uri? callback, CancellationToken abandon)
    {
        var outcome = CallOutcome.From(result, NodeId);
        var output = result.Output;
        var limit = _connection.ServerInfo?.MaxPayload ?? 1024 * 1024;
        InvocationResult? replaced = null;
        if (output.Length + 4096 > limit)
        {
            // The bucket cannot hold it: the stored result says so instead of losing the call.
            var message = $"Asynchronous call {callId}: the output of {output.Length:N0} bytes does not fit the fleet's result store (NATS max_payload {limit:N0} bytes); set the call's MaxOutputBytes below it";
            outcome = outcome with
            {
                Status = InvocationStatus.Error,
                ErrorKind = FnErrorKind.OutputTooLarge,
                ErrorStatusCode = 502,
                ErrorMessage = message,
            };
            output = ReadOnlyMemory<byte>.Empty;
            replaced = outcome.ToResult([]);
        }

        using (replaced)
        {
            var stored = await _results!.CompleteAsync(callId, outcome, output, abandon).ConfigureAwait(false);
            if (stored)
            {
                AsyncLog.Stored(_logger, callId, outcome.Status, NodeId);
            }
            else
            {
                AsyncLog.Duplicate(_logger, callId, NodeId);
            }

            if (callback is not null)
            {
                var sent = replaced ?? result;
                await WithProgressAsync(msg, null, ct => _callbacks.SendAsync(callback, sent, NodeId, ct), abandon).ConfigureAwait(false);
            }
        }

        await msg.AckAsync(cancellationToken: abandon).ConfigureAwait(false);
    }

    private async Task<InvocationResult> RunAsync(FunctionCall call, CancellationToken cancellationToken)
    {
        try
        {
            return await _executor.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (FnEngineException e)
        {
            return FailedResult(call.CallId, FnErrorKind.EngineError, 500, e.Message);
        }
        catch (InvalidFunctionCallException e)
        {
            return FailedResult(call.CallId, FnErrorKind.InvalidCall, 400, e.Message);
        }
    }

    private static InvocationResult FailedResult(string callId, FnErrorKind kind, int status, string message) =>
        new CallOutcome
        {
            CallId = callId,
            Status = InvocationStatus.Error,
            ErrorKind = kind,
            ErrorStatusCode = status,
            ErrorMessage = message,
        }.ToResult([]);

    /// <summary>Runs <paramref name="work"/> while a progress acknowledgement (and lease refresh) goes every third of the ack wait.</summary>
    private async Task<T> WithProgressAsync<T>(INatsJSMsg<byte[]> msg, FunctionInFlightLimiter.Lease? lease, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ProgressLoopAsync(msg, lease, done.Token);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }
    }

    private async Task ProgressLoopAsync(INatsJSMsg<byte[]> msg, FunctionInFlightLimiter.Lease? lease, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.AckWait / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await msg.AckProgressAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (lease is not null)
                    {
                        await lease.RefreshAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is NatsException or NatsJSException)
                {
                    // A missed beat is recovered by the next; a lost connection ends in a redelivery elsewhere.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The room slot of one run, given back once (when the executor is done, or earlier when the run does not happen).</summary>
    private sealed class SlotHolder(AsyncCallWorker worker)
    {
        private int _released;

        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                worker._room.Release();
                worker._roomFreed.Release();
            }
        }
    }
}
