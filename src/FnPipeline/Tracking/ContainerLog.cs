using Microsoft.Extensions.Logging;

namespace FnPipeline.Tracking;

/// <summary>Logs of the removal queue (event ids 400–409). Container ids are logged in full: an operator removes them by hand.</summary>
internal static partial class ContainerLog
{
    [LoggerMessage(400, LogLevel.Warning, "Removing container {ContainerId} failed; retrying in {DelayMs:F0} ms, with back-off, until the engine confirms it is gone", EventName = "RemoveFailed")]
    public static partial void RemoveFailed(ILogger logger, string containerId, double delayMs, Exception exception);

    [LoggerMessage(401, LogLevel.Debug, "Removing container {ContainerId} failed again (attempt {Attempt}); retrying in {DelayMs:F0} ms: {Reason}", EventName = "RemoveRetryFailed")]
    public static partial void RemoveRetryFailed(ILogger logger, string containerId, int attempt, double delayMs, string reason);

    [LoggerMessage(402, LogLevel.Information, "Removed container {ContainerId} after {Attempts} failed attempts", EventName = "RemovedAfterRetries")]
    public static partial void RemovedAfterRetries(ILogger logger, string containerId, int attempts);

    [LoggerMessage(403, LogLevel.Information, "Waiting up to {Bound} for the removal of {Count} containers", EventName = "RemovalDraining")]
    public static partial void Draining(ILogger logger, int count, TimeSpan bound);

    [LoggerMessage(404, LogLevel.Error, "Could not remove container {ContainerId} ({Kind}) before shutdown after {Attempts} failed attempts: {Reason}; remove it by hand", EventName = "ContainerNotRemoved")]
    public static partial void NotRemoved(ILogger logger, string containerId, string kind, int attempts, string reason);
}
