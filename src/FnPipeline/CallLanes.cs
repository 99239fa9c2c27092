using FnPipeline.Diagnostics;
using FnPipeline.HotPool;
using FnPipeline.Pipeline;
using FnPipeline.Streaming;
using Microsoft.Extensions.Logging;

namespace FnPipeline;

/// <summary>
/// Runs a resolved call in its lane once the driver is started: http-stream calls in the hot pool, default-format
/// calls in the cold pipeline. Each lane counts, times and answers its own outcomes; this type counts and logs what
/// happens outside them (a cancellation before a lane had the call, an engine failure at the driver's start) and ends
/// a streaming call's output with its outcome.
/// </summary>
internal sealed class CallLanes(
    DriverStartup startup,
    ColdCallPipeline cold,
    IHotCallDispatcher hot,
    ColdStderrLog coldStderr,
    FnPipelineMetrics metrics,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Runs a streaming call and ends its output with its outcome, so the reader sees the end only once it is known.</summary>
    public async Task<InvocationResult> RunStreamingAsync(ResolvedCall resolved, OutputStreamer streamer, CancellationToken cancellationToken)
    {
        InvocationResult result;
        try
        {
            result = await InvokeAsync(resolved, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await streamer.CompleteAsync(new FnStreamException($"The call of {streamer.Subject} failed after its output began: {ex.Message}", ex)).ConfigureAwait(false);
            throw;
        }

        await streamer.CompleteAsync(result.Error is { } error ? new FnStreamException(error, streamer.Subject) : null).ConfigureAwait(false);
        return result;
    }

    public async Task<InvocationResult> InvokeAsync(ResolvedCall resolved, CancellationToken cancellationToken)
    {
        var (call, callId) = (resolved.Call, resolved.CallId);
        using var activity = CallActivity.StartCall(call, callId);
        var started = time.GetTimestamp();
        if (cancellationToken.IsCancellationRequested)
        {
            // Cancelled before the call: the same result as a cancellation at any later point, with no engine work.
            return Cancelled(call, callId, started, activity, counted: false);
        }

        var inLane = false;
        try
        {
            await startup.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
            inLane = true;
            InvocationResult result;
            if (call.Format == FunctionFormat.HttpStream)
            {
                result = await hot.InvokeAsync(resolved, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await cold.InvokeAsync(resolved, cancellationToken).ConfigureAwait(false);
                coldStderr.Write(call, result);
            }

            if (result.Status == InvocationStatus.Cancelled)
            {
                LogCancelled(callId, call, started);
            }

            CallActivity.Finish(activity, result);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // E.g. cancelled while the executor started (its first call reaches the engine): still a result. A lane
            // answers its own cancellations with results and has counted anything it threw.
            return Cancelled(call, callId, started, activity, counted: inLane);
        }
        catch (Exception ex) when (!inLane)
        {
            // The engine failed before either lane had the call (each lane counts its own): still a finished call.
            metrics.CallFinished(call, null, ex, time.GetElapsedTime(started));
            if (activity is not null)
            {
                CallActivity.Fail(activity, ex);
            }

            throw;
        }
        catch (Exception ex) when (activity is not null)
        {
            CallActivity.Fail(activity, ex);
            throw;
        }
    }

    /// <summary>The caller's cancellation outside the lanes' own handling: a result, counted and logged as theirs are.</summary>
    private InvocationResult Cancelled(FunctionCall call, string callId, long started, System.Diagnostics.Activity? activity, bool counted)
    {
        var result = CallOutcomes.Result(callId, InvocationStatus.Cancelled, CallOutcomes.Cancelled());
        if (!counted)
        {
            metrics.CallFinished(call, result, null, time.GetElapsedTime(started));
        }

        LogCancelled(callId, call, started);
        CallActivity.Finish(activity, result);
        return result;
    }

    /// <summary>A call its caller cancelled (e.g. a client that disconnected) is logged, so that it does not vanish.</summary>
    private void LogCancelled(string callId, FunctionCall call, long started)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            FunctionLog.CallCancelled(logger, callId, FunctionLog.FunctionLabel(call), time.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
