using FnPipeline.Fleet.Async;

namespace FnPipeline.Fleet.Client;

/// <summary>The asynchronous lane of the fleet client: submit a call, read its result (docs/fleet.md, "Asynchronous calls").</summary>
public sealed partial class FleetExecutor
{
    private readonly object _asyncGate = new();
    private AsyncCallClient? _async;

    /// <summary>
    /// Accepts <paramref name="call"/> as an asynchronous call of the fleet (its JetStream stream) and returns its call id
    /// once stored; some node with room runs it and stores the result, which <see cref="GetResultAsync"/> reads. Uses
    /// this client's NATS connection. Throws <see cref="InvalidFunctionCallException"/> for an invalid call,
    /// <see cref="FleetPayloadTooLargeException"/> when it does not fit the servers' max_payload,
    /// <see cref="FleetAsyncException"/> (<see cref="FnErrorKind.FleetUnavailable"/>) when NATS cannot take it.
    /// </summary>
    public async Task<string> SubmitAsync(FunctionCall call, AsyncCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var client = await AsyncClientAsync(call.CallId, cancellationToken).ConfigureAwait(false);
        return await client.SubmitAsync(call, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What the fleet holds for the asynchronous call <paramref name="callId"/>: its result, pending, or not found.
    /// Throws <see cref="FleetAsyncException"/> (<see cref="FnErrorKind.FleetUnavailable"/>) when NATS cannot be read.
    /// </summary>
    public async Task<AsyncCallResult> GetResultAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        var client = await AsyncClientAsync(callId, cancellationToken).ConfigureAwait(false);
        return await client.GetResultAsync(callId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The asynchronous client on this executor's connection, once connected.</summary>
    private async Task<AsyncCallClient> AsyncClientAsync(string callId, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw new FleetAsyncException(FnErrorKind.FleetUnavailable, $"Asynchronous call {callId}: {problem.Replace("the call did not run", "nothing was done", StringComparison.Ordinal)}");
        }

        lock (_asyncGate)
        {
            return _async ??= new AsyncCallClient(_client.Connection, Subjects, _options.Async, _time, owns: false);
        }
    }
}
