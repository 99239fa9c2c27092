using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.Protocol;

namespace FnPipeline.HotPool;

/// <summary>
/// Runs one call on a ready container it holds: starts the call's timeout (it counts from here, when the request is
/// sent, as a cold call's counts from its container's start), exchanges the request, applies the status contract, and then either puts the container back on its
/// stack or removes it (timeout, cancellation, broken connection, status outside the contract).
/// </summary>
internal sealed class HotCallRunner(HotPoolContext context, ContainerBroker broker)
{
    private static readonly Action<object?> AbortForCaller = static state => ((ContainerCall)state!).Abort(CallAbortReason.Caller);

    public async Task<InvocationResult> RunAsync(
        HotContainer container, ResolvedCall resolved, StageTimings timings, CancellationToken cancellationToken)
    {
        var started = context.Time.GetTimestamp();
        var (call, callId, timeout, maxBody) = (resolved.Call, resolved.CallId, resolved.Timeout, resolved.MaxOutputBytes);
        var token = container.Call.Begin(callId, timeout);

        // Allocates only when the caller's token can be cancelled. Disposed before the container can go back to the
        // pool, so that a late cancellation of this call can never abort the next call on the same container.
        var registration = cancellationToken.UnsafeRegister(AbortForCaller, container.Call);
        HttpStreamResponse response = default;
        Exception? failure = null;

        // The round trip's span is the current activity while the request is built: its traceparent goes with it.
        var span = CallActivity.StartStage(HotStageNames.HttpRoundTrip);
        try
        {
            response = await HttpStreamExchange
                .SendAsync(container.Client!, call, callId, context.Time.GetUtcNow() + timeout, maxBody, resolved.Streamer, token)
                .ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the connection is mid-request: the container is replaced (see FailAsync).
            failure = ex;
            CallActivity.FailStage(span, ex.GetType().FullName!);
        }
        finally
        {
            registration.Dispose();
            if (span is not null)
            {
                span.SetTag("http.response.status_code", response.StatusCode);
                span.Dispose();
            }
        }

        var end = Finish(container, timings, started);
        return failure is null
            ? Complete(container, callId, response, maxBody, end)
            : await FailAsync(container, resolved, failure, timeout, end).ConfigureAwait(false);
    }

    /// <summary>Ends the call on the container and records the round trip; returns the output written meanwhile.</summary>
    private CallEnd Finish(HotContainer container, StageTimings timings, long started)
    {
        var (abort, output) = container.Call.End();
        timings.Run = context.Time.GetElapsedTime(started);
        return new CallEnd(abort, output, timings);
    }

    private InvocationResult Complete(HotContainer container, string callId, in HttpStreamResponse response, long maxBody, in CallEnd end)
    {
        var (status, error, keep) = HttpStreamStatusContract.Map(response, maxBody);
        LogContractOutcome(container, callId, response, maxBody, keep);
        if (keep)
        {
            broker.ReturnToPool(container);
        }
        else
        {
            context.Background.Track(container.RemoveAsync(error?.Message ?? "response outside the contract"));
        }

        return new InvocationResult(callId, status, error, response.Body, end.Timings)
        {
            FunctionStatusCode = response.StatusCode,
            Headers = response.Headers,
            ContainerId = container.Id,
            Stderr = end.Output,
        };
    }

    private async Task<InvocationResult> FailAsync(
        HotContainer container, ResolvedCall call, Exception failure, TimeSpan timeout, CallEnd end)
    {
        var callId = call.CallId;
        InvocationStatus status;
        FnError error;
        try
        {
            (status, error) = end.Abort switch
            {
                CallAbortReason.Timeout => (InvocationStatus.Timeout, CallOutcomes.Timeout(timeout)),
                CallAbortReason.Caller => (InvocationStatus.Cancelled, CallOutcomes.Cancelled()),
                CallAbortReason.Shutdown => (InvocationStatus.Error, CallOutcomes.ShuttingDown()),
                _ => await ReceiveFailureAsync(container, call, callId, failure).ConfigureAwait(false),
            };
        }
        catch (FnEngineException engineError)
        {
            // An engine failure is the caller's exception (the gateway's 500 with its message); the container goes.
            HotPoolLog.Replacing(context.Logger, callId, container.ShortName, engineError.Message);
            context.Background.Track(container.RemoveAsync(engineError.Message));
            throw;
        }

        // The connection is mid-request: the container cannot serve another call safely.
        HotPoolLog.Replacing(context.Logger, callId, container.ShortName, error.Message);
        context.Background.Track(container.RemoveAsync(error.Message));
        return new InvocationResult(callId, status, error, output: null, end.Timings)
        {
            ContainerId = container.Id,
            Stderr = end.Output,
        };
    }

    private async Task<(InvocationStatus, FnError)> ReceiveFailureAsync(HotContainer container, ResolvedCall call, string callId, Exception failure)
    {
        if (failure is HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded })
        {
            ProtocolLog.HeadersTooLarge(context.Logger, callId, container.ShortName, context.Settings.MaxResponseHeaderBytes);
            return (InvocationStatus.Error, CallOutcomes.HeadersTooLarge(context.Settings.MaxResponseHeaderBytes));
        }

        ProtocolLog.ReceiveFailed(context.Logger, callId, container.ShortName, failure);

        // A broken connection usually means the container died: name its exit when the engine reports it quickly.
        ContainerExit? exit;
        try
        {
            exit = await container.WaitForExitAsync(context.Settings.ExitReportGrace).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw new FnEngineException(
                $"The engine failed while reading the state of the hot container of image '{call.Call.Image}' after its call broke ({failure.Message}): {ex.Message}", ex);
        }

        if (exit is { OomKilled: true })
        {
            return (InvocationStatus.Killed, CallOutcomes.OutOfMemory(call.MemoryMB));
        }

        var detail = exit is null ? failure.Message : $"the container exited with code {exit.ExitCode} during the call";
        return (InvocationStatus.Error, CallOutcomes.ReceiveFailed(detail));
    }

    private void LogContractOutcome(HotContainer container, string callId, in HttpStreamResponse response, long maxBody, bool keep)
    {
        if (response.RequestCut)
        {
            ProtocolLog.AnsweredBeforeReadingBody(context.Logger, callId, container.ShortName, response.StatusCode);
        }

        if (response.BodyState != ResponseBodyState.Complete)
        {
            ProtocolLog.ResponseTooLarge(context.Logger, callId, container.ShortName, maxBody, keep);
        }
        else if (response.StatusCode is 502 or 504)
        {
            ProtocolLog.FunctionReportedFailure(context.Logger, callId, container.ShortName, response.StatusCode);
        }
        else if (response.StatusCode != 200)
        {
            ProtocolLog.InvalidStatus(context.Logger, callId, container.ShortName, response.StatusCode);
        }
    }

    /// <summary>How a call ended on its container: why it was aborted (if it was), its output, its timings.</summary>
    private readonly record struct CallEnd(CallAbortReason Abort, string Output, StageTimings Timings);
}
