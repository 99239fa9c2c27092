using Microsoft.Extensions.Logging;

namespace FnPipeline.Diagnostics;

/// <summary>
/// Logs a cold call's stderr (as kept in its result, up to <c>MaxStderrBytes</c>) line by line under
/// <see cref="FunctionLog.Category"/> when the call ends. A cold container serves one call, so its lines pass one
/// <see cref="LogRateLimiter"/>: past the burst they are dropped and counted.
/// </summary>
internal sealed class ColdStderrLog(ILogger logger, TimeProvider time)
{
    public void Write(FunctionCall call, InvocationResult result)
    {
        if (result.Stderr.Length == 0 || !logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var function = FunctionLog.FunctionLabel(call);
        var containerId = FunctionLog.ShortId(result.ContainerId);
        var limiter = new LogRateLimiter(time);
        var text = result.Stderr.AsSpan().TrimEnd('\n');
        foreach (var line in text.EnumerateLines())
        {
            if (limiter.TryAcquire(out var droppedBefore))
            {
                if (droppedBefore > 0)
                {
                    FunctionLog.Dropped(logger, droppedBefore, function, containerId, limiter.LinesPerSecond, limiter.Burst);
                }

                FunctionLog.CallOutput(logger, function, containerId, "stderr", result.CallId, line.ToString());
            }
        }

        if (limiter.TakeDropped() is > 0 and var dropped)
        {
            FunctionLog.Dropped(logger, dropped, function, containerId, limiter.LinesPerSecond, limiter.Burst);
        }
    }
}
