using System.Collections.Concurrent;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// A node's share of the asynchronous calls (docs/fleet.md, "Asynchronous calls"): while the node has room it pulls one
/// call at a time from the durable consumer, takes a slot and hands the call to an <see cref="AsyncCallRun"/> (run,
/// store, callback, acknowledge). Stopping stops the pulls and waits for the runs, abandoning them unacknowledged past
/// its deadline (the stream hands them to another node).
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
    private AsyncCallRun? _run;
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
        _run = new AsyncCallRun(
            _connection, _options, _executor, new AsyncResultStore(_stores.Results, _time), new FunctionInFlightLimiter(_stores.Limits),
            _callbacks, new AckProgress(_options, _time), NodeId, _logger);
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
        var slot = new AsyncRunSlot(_room, _roomFreed);
        var callId = msg.Headers?[AsyncHeaders.CallId].ToString() is { Length: > 0 } id ? id : "?";
        try
        {
            await _run!.HandleAsync(msg, callId, slot, _abandonRuns.Token).ConfigureAwait(false);
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
}
