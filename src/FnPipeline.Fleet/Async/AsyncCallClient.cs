using System.Buffers;
using System.Globalization;
using FnPipeline.Fleet.Wire;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// Submits asynchronous calls to a fleet and reads their results (docs/fleet.md, "Asynchronous calls"). A submission
/// returns the call id once JetStream has stored the call; some node with room runs it, at least once, and stores the
/// result in the results bucket, where <see cref="GetResultAsync"/> finds it for the retention period. Thread-safe.
/// </summary>
public sealed class AsyncCallClient : IAsyncDisposable
{
    // NATS headers and the protocol line besides the frame: kept out of the payload budget.
    private const int HeaderAllowance = 1024;

    private readonly INatsConnection _connection;
    private readonly NatsConnection? _owned;
    private readonly NatsJSContext _js;
    private readonly FleetSubjects _subjects;
    private readonly FleetAsyncOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _provisionGate = new(1, 1);
    private AsyncResultStore? _store;

    /// <summary>A client with a connection of its own to the fleet of <paramref name="fleet"/> (options checked now).</summary>
    public AsyncCallClient(FleetOptions fleet, FleetAsyncOptions? options = null)
        : this(FleetConnections.Create(fleet), new FleetSubjects(fleet.Fleet), options ?? new FleetAsyncOptions(), TimeProvider.System, owns: true)
    {
    }

    /// <summary>A client on a connection the caller owns (shared with a <c>FleetExecutor</c> or a node, for instance).</summary>
    public AsyncCallClient(INatsConnection connection, string fleet, FleetAsyncOptions? options = null)
        : this(connection, new FleetSubjects(fleet), options ?? new FleetAsyncOptions(), TimeProvider.System, owns: false)
    {
    }

    internal AsyncCallClient(INatsConnection connection, FleetSubjects subjects, FleetAsyncOptions options, TimeProvider time, bool owns)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options.ThrowIfInvalid();
        _connection = connection;
        _owned = owns ? (NatsConnection)connection : null;
        _js = new NatsJSContext((NatsConnection)connection);
        _subjects = subjects;
        _options = options;
        _time = time;
    }

    /// <summary>
    /// Accepts <paramref name="call"/> into the fleet's call stream and returns its call id (the call's own
    /// <see cref="FunctionCall.CallId"/>, or a new one) once JetStream acknowledged it. Submitting the same call id
    /// again within two minutes is a no-op that returns the same id. Throws <see cref="InvalidFunctionCallException"/>
    /// for an invalid call, <see cref="FleetPayloadTooLargeException"/> when it does not fit the servers' max_payload,
    /// <see cref="FleetAsyncException"/> when NATS cannot take it.
    /// </summary>
    public async Task<string> SubmitAsync(FunctionCall call, AsyncCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        options ??= new AsyncCallOptions();
        var callId = call.CallId.Length > 0 ? call.CallId : NewCallId();
        call = call with { CallId = callId };
        ThrowIfInvalid(call, options);

        ThrowIfReconnecting($"submitting call {callId} (image '{call.Image}')");
        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        var input = await ReadInputAsync(call, cancellationToken).ConfigureAwait(false);
        var spec = CallSpec.From(call);
        var writer = new ArrayBufferWriter<byte>(512 + input.Length);
        FleetFrame.Write(writer, spec, FleetJsonContext.Default.CallSpec, input.Span);
        var limit = _connection.ServerInfo?.MaxPayload ?? 1024 * 1024;
        if (writer.WrittenCount + HeaderAllowance > limit)
        {
            throw new FleetPayloadTooLargeException(call.Image, writer.WrittenCount + HeaderAllowance, limit);
        }

        var headers = new NatsHeaders { [AsyncHeaders.CallId] = callId };
        if (options.CallbackUrl is { } callback)
        {
            headers[AsyncHeaders.Callback] = callback.AbsoluteUri;
        }

        if (options.RetryFunctionFailures)
        {
            headers[AsyncHeaders.RetryFunctionFailures] = "true";
        }

        if (options.MaxInFlight is { } max)
        {
            headers[AsyncHeaders.MaxInFlight] = max.ToString(CultureInfo.InvariantCulture);
        }

        try
        {
            var ack = await _js.PublishAsync(
                _subjects.AsyncSubmit(FleetFunctionKey.Compute(spec)),
                writer.WrittenMemory,
                opts: new NatsJSPubOpts { MsgId = callId },
                headers: headers,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!ack.Duplicate)
            {
                // A duplicate is a second submission of an accepted call id: accepted already, nothing to add.
                ack.EnsureSuccess();
            }
            await store.MarkPendingAsync(callId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NatsException && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable($"submitting call {callId} (image '{call.Image}')", e);
        }

        return callId;
    }

    /// <summary>What the fleet holds for <paramref name="callId"/> now: its result, pending, or not found.</summary>
    public async Task<AsyncCallResult> GetResultAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        if (!IsValidKey(callId))
        {
            return new AsyncCallResult.NotFound(callId);
        }

        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ToResult(callId, await store.GetAsync(callId, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is NatsException && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable($"reading the result of call {callId}", e);
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the result of <paramref name="callId"/> (watching its key, no
    /// polling); returns what the fleet holds when it arrives or when the time is up (pending or not found).
    /// </summary>
    public async Task<AsyncCallResult> WaitForResultAsync(string callId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var now = await GetResultAsync(callId, cancellationToken).ConfigureAwait(false);
        if (now is AsyncCallResult.Completed || now is AsyncCallResult.NotFound && !IsValidKey(callId))
        {
            return now;
        }

        var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await foreach (var entry in store.Bucket.WatchAsync<byte[]>(callId, cancellationToken: wait.Token).ConfigureAwait(false))
            {
                if (entry.Value is { } value && AsyncRecord.Parse(value) is { Record.IsDone: true } done)
                {
                    // The watched entry itself, not a second read: a read served by a replica that has not applied
                    // the write yet (R3, direct get) answered "pending" after the watch had seen the result.
                    return ToResult(callId, new StoredRecord(done.Record, done.Body.ToArray(), entry.Revision));
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NatsException && !cancellationToken.IsCancellationRequested)
        {
            // The watch is a JetStream consumer: while the cluster elects leaders (a server lost) it may not be created.
            throw Unavailable($"waiting for the result of call {callId}", e);
        }

        return await GetResultAsync(callId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection when the client opened it.</summary>
    public async ValueTask DisposeAsync()
    {
        _provisionGate.Dispose();
        if (_owned is not null)
        {
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static string NewCallId() => Guid.NewGuid().ToString("N");

    /// <summary>A call id is a key of the results bucket: the executor's call-id rule, and no '.' at either end.</summary>
    internal static bool IsValidKey(string callId) =>
        callId.Length is > 0 and <= FunctionCallLimits.MaxCallIdLength
        && callId[0] != '.' && callId[^1] != '.'
        && callId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static void ThrowIfInvalid(FunctionCall call, AsyncCallOptions options)
    {
        var problems = new List<string>(FunctionCallValidator.Validate(call));
        if (!IsValidKey(call.CallId) && problems.Count == 0)
        {
            problems.Add($"CallId '{call.CallId}' must not start or end with '.' for an asynchronous call (it is a key of the results bucket)");
        }

        if (options.CallbackUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            problems.Add($"CallbackUrl '{url}' must be an absolute http:// or https:// URL");
        }

        if (options.MaxInFlight is < 1)
        {
            problems.Add($"MaxInFlight must be at least 1 (was {options.MaxInFlight})");
        }

        if (problems.Count > 0)
        {
            throw new InvalidFunctionCallException(call.Image, problems);
        }
    }

    private static async Task<ReadOnlyMemory<byte>> ReadInputAsync(FunctionCall call, CancellationToken cancellationToken)
    {
        if (call.Input.Stream is not { } stream)
        {
            return call.Input.Bytes;
        }

        // An async call is stored whole: its input is read before the publish (the frame limit bounds it).
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    // The Completed record owns the result it is given (the caller disposes it).
#pragma warning disable CA2000
    private static AsyncCallResult ToResult(string callId, StoredRecord? stored) => stored switch
    {
        null => new AsyncCallResult.NotFound(callId),
        { Record: { IsDone: true, Outcome: { } outcome } record } =>
            new AsyncCallResult.Completed(callId, outcome.ToResult(stored.Output), outcome.NodeId, record.CompletedAt, record.FailedRuns),
        { Record: var record } => new AsyncCallResult.Pending(callId, record.SubmittedAt, record.FailedRuns, record.LastError),
    };
#pragma warning restore CA2000

    /// <summary>
    /// While the connection is lost (every server down, or moving to another), a publish would wait in the client's
    /// buffer for the next server and the caller with it: answered FleetUnavailable at once instead, as sync calls are.
    /// </summary>
    private void ThrowIfReconnecting(string what)
    {
        if (_connection.ConnectionState == NatsConnectionState.Reconnecting)
        {
            throw new FleetAsyncException(FnErrorKind.FleetUnavailable,
                $"Fleet '{_subjects.Fleet}': {what} failed: NATS is unreachable (reconnecting). The call was not accepted; retry once NATS answers.");
        }
    }

    private FleetAsyncException Unavailable(string what, Exception inner) =>
        new(FnErrorKind.FleetUnavailable, $"Fleet '{_subjects.Fleet}': {what} failed: NATS did not take it ({inner.Message}). The call was not accepted; retry once NATS answers.", inner);

    private async Task<AsyncResultStore> StoreAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _store) is { } store)
        {
            return store;
        }

        await _provisionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_store is null)
            {
                try
                {
                    await _connection.ConnectAsync().ConfigureAwait(false);
                    var stores = await AsyncProvisioning.EnsureAsync(_js, _subjects, _options, cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _store, new AsyncResultStore(stores.Results, _time));
                }
                catch (Exception e) when (e is NatsException && !cancellationToken.IsCancellationRequested)
                {
                    throw Unavailable("preparing the call stream and results bucket", e);
                }
            }

            return _store!;
        }
        finally
        {
            _provisionGate.Release();
        }
    }
}
