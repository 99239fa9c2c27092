using System.Buffers;
using System.Globalization;
using FnPipeline.Fleet.Wire;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// What a node does with one asynchronous call it took (docs/fleet.md, "Asynchronous calls"): reads it, skips a call
/// already stored (its callback again), honours the function's in-flight limit, runs it on the executor with progress
/// acknowledgements, retries engine failures with back-off (a negative acknowledgement with a delay), stores the result
/// create-only, POSTs it to the callback URL, and only then acknowledges. A function's own failure is its result unless
/// the call asked otherwise.
/// </summary>
internal sealed class AsyncCallRun(
    NatsConnection connection,
    FleetAsyncOptions options,
    IFnExecutor executor,
    AsyncResultStore results,
    FunctionInFlightLimiter limiter,
    CallbackSender callbacks,
    AckProgress progress,
    string nodeId,
    ILogger logger)
{
    public async Task HandleAsync(INatsJSMsg<byte[]> msg, string callId, AsyncRunSlot slot, CancellationToken abandon)
    {
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
            AsyncLog.BadMessage(logger, nodeId, msg.Metadata?.Sequence.Stream ?? 0, e);
            await msg.AckTerminateAsync(cancellationToken: abandon).ConfigureAwait(false);
            return;
        }

        AsyncLog.Taken(logger, nodeId, callId, msg.Metadata?.NumDelivered ?? 0);
        var callback = msg.Headers?.TryGetValue(AsyncHeaders.Callback, out var url) == true && Uri.TryCreate(url.ToString(), UriKind.Absolute, out var uri) ? uri : null;
        var retryFunctionFailures = msg.Headers?.TryGetValue(AsyncHeaders.RetryFunctionFailures, out var retry) == true
                                    && string.Equals(retry.ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var limit = msg.Headers?.TryGetValue(AsyncHeaders.MaxInFlight, out var max) == true
                    && int.TryParse(max.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : (int?)null;

        // A redelivery of a call already stored (its acknowledgement was lost): no second run; the callback again.
        if (await results.GetAsync(callId, abandon).ConfigureAwait(false) is { Record.IsDone: true } stored)
        {
            slot.Release();
            AsyncLog.Duplicate(logger, callId, nodeId);
            if (callback is not null && stored.Record.Outcome is { } storedOutcome)
            {
                using var again = storedOutcome.ToResult(stored.Output);
                await progress.WithProgressAsync(msg, null, ct => callbacks.SendAsync(callback, again, storedOutcome.NodeId ?? nodeId, ct), abandon).ConfigureAwait(false);
            }

            await msg.AckAsync(cancellationToken: abandon).ConfigureAwait(false);
            return;
        }

        FunctionInFlightLimiter.Lease? lease = null;
        if (limit is { } n)
        {
            lease = await limiter.TryAcquireAsync(FleetFunctionKey.Compute(spec), n, callId, abandon).ConfigureAwait(false);
            if (lease is null)
            {
                slot.Release();
                AsyncLog.Limited(logger, callId, n, options.LimitRetryDelay);
                await msg.NakAsync(new AckOpts { NakDelay = options.LimitRetryDelay }, abandon).ConfigureAwait(false);
                return;
            }
        }

        InvocationResult result;
        try
        {
            var call = spec.ToCall(CallInput.FromBytes(body.ToArray()));
            result = await progress.WithProgressAsync(msg, lease, ct => RunAsync(call, ct), abandon).ConfigureAwait(false);
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
                var failedRuns = await results.RecordFailedRunAsync(callId, error, abandon).ConfigureAwait(false);
                if (failedRuns < options.MaxAttempts)
                {
                    var delay = options.RetryDelayAfter(failedRuns);
                    AsyncLog.Retry(logger, callId, failedRuns, error, delay);
                    await msg.NakAsync(new AckOpts { NakDelay = delay }, abandon).ConfigureAwait(false);
                    return;
                }

                AsyncLog.GaveUp(logger, callId, failedRuns, error);
            }

            await StoreAndAckAsync(msg, callId, result, callback, abandon).ConfigureAwait(false);
        }
    }

    private async Task StoreAndAckAsync(INatsJSMsg<byte[]> msg, string callId, InvocationResult result, Uri? callback, CancellationToken abandon)
    {
        var outcome = CallOutcome.From(result, nodeId);
        var output = result.Output;
        var limit = connection.ServerInfo?.MaxPayload ?? 1024 * 1024;
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
            var stored = await results.CompleteAsync(callId, outcome, output, abandon).ConfigureAwait(false);
            if (stored)
            {
                AsyncLog.Stored(logger, callId, outcome.Status, nodeId);
            }
            else
            {
                AsyncLog.Duplicate(logger, callId, nodeId);
            }

            if (callback is not null)
            {
                var sent = replaced ?? result;
                await progress.WithProgressAsync(msg, null, ct => callbacks.SendAsync(callback, sent, nodeId, ct), abandon).ConfigureAwait(false);
            }
        }

        await msg.AckAsync(cancellationToken: abandon).ConfigureAwait(false);
    }

    private async Task<InvocationResult> RunAsync(FunctionCall call, CancellationToken cancellationToken)
    {
        try
        {
            return await executor.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
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
}
