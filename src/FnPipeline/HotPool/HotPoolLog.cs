using Microsoft.Extensions.Logging;

namespace FnPipeline.HotPool;

/// <summary>Log messages of the hot pool. Event ids 200-299; retired ids stay reserved.</summary>
internal static partial class HotPoolLog
{
    [LoggerMessage(200, LogLevel.Debug, "Launching hot container {Container} for function {Function} (image {Image})", EventName = "Launching")]
    public static partial void Launching(ILogger logger, string container, FunctionKey function, string image);

    [LoggerMessage(201, LogLevel.Information, "Hot container {Container} of function {Function} is ready after {ElapsedMs:F0} ms", EventName = "Ready")]
    public static partial void Ready(ILogger logger, string container, FunctionKey function, double elapsedMs);

    [LoggerMessage(202, LogLevel.Warning, "Hot container {Container} failed to start: {Reason}", EventName = "StartFailed")]
    public static partial void StartFailed(ILogger logger, string container, string reason);

    [LoggerMessage(203, LogLevel.Debug, "Hot container {Container} removed: {Reason}", EventName = "Removed")]
    public static partial void Removed(ILogger logger, string container, string reason);

    [LoggerMessage(204, LogLevel.Warning, "Removing hot container {Container} failed", EventName = "RemoveFailed")]
    public static partial void RemoveFailed(ILogger logger, string container, Exception exception);

    [LoggerMessage(205, LogLevel.Debug, "Hot container {Container} paused after {IdleMs:F0} ms idle", EventName = "Paused")]
    public static partial void Paused(ILogger logger, string container, double idleMs);

    [LoggerMessage(206, LogLevel.Warning, "Hot container {Container} could not be paused; replacing it", EventName = "PauseFailed")]
    public static partial void PauseFailed(ILogger logger, string container, Exception exception);

    [LoggerMessage(207, LogLevel.Warning, "Hot container {Container} could not be unpaused; replacing it", EventName = "UnpauseFailed")]
    public static partial void UnpauseFailed(ILogger logger, string container, Exception exception);

    // 208 and 209 (container output at Debug) moved to FunctionLog (350, 351) at Information.

    [LoggerMessage(210, LogLevel.Warning, "{Count} lines of container output were dropped because the log fell behind", EventName = "OutputDropped")]
    public static partial void OutputDropped(ILogger logger, long count);

    [LoggerMessage(211, LogLevel.Warning, "Call {CallId} refused: {Reason}", EventName = "CallRefused")]
    public static partial void CallRefused(ILogger logger, string callId, string reason);

    [LoggerMessage(212, LogLevel.Information, "Call {CallId}: hot container {Container} is being replaced: {Reason}", EventName = "Replacing")]
    public static partial void Replacing(ILogger logger, string callId, string container, string reason);

    [LoggerMessage(213, LogLevel.Information, "Hot pool draining: {InFlight} calls in flight, {Containers} containers", EventName = "Draining")]
    public static partial void Draining(ILogger logger, int inFlight, int containers);

    [LoggerMessage(214, LogLevel.Warning, "Hot pool drain timeout of {DrainTimeout} passed; aborting the calls still running", EventName = "DrainTimedOut")]
    public static partial void DrainTimedOut(ILogger logger, TimeSpan drainTimeout);

    [LoggerMessage(215, LogLevel.Information, "Hot pool stopped", EventName = "Stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(216, LogLevel.Warning, "Watching socket directory {Directory} failed; polling it instead", EventName = "WatcherFallback")]
    public static partial void WatcherFallback(ILogger logger, string directory, Exception exception);

    [LoggerMessage(217, LogLevel.Warning, "Deleting socket directory {Directory} failed", EventName = "DirectoryDeleteFailed")]
    public static partial void DirectoryDeleteFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(218, LogLevel.Warning, "A launch of function {Function} failed after its caller stopped waiting", EventName = "UnobservedLaunchFailure")]
    public static partial void UnobservedLaunchFailure(ILogger logger, FunctionKey function, Exception exception);

    [LoggerMessage(219, LogLevel.Information, "Idle hot container {Container} exited with code {ExitCode}; removing it", EventName = "ExitedWhileIdle")]
    public static partial void ExitedWhileIdle(ILogger logger, string container, long exitCode);

    [LoggerMessage(220, LogLevel.Debug, "Evicting idle hot container {Container} to make room for function {Function}", EventName = "EvictedForRoom")]
    public static partial void EvictedForRoom(ILogger logger, string container, FunctionKey function);

    [LoggerMessage(221, LogLevel.Error, "Launching a hot container for function {Function} failed with an engine error", EventName = "LaunchEngineFailure")]
    public static partial void LaunchEngineFailure(ILogger logger, FunctionKey function, Exception exception);

    [LoggerMessage(222, LogLevel.Debug, "Call {CallId} finished with {Status} on hot container {Container}", EventName = "CallFinished")]
    public static partial void CallFinished(ILogger logger, string callId, InvocationStatus status, string container);

    [LoggerMessage(240, LogLevel.Warning, "Keeping socket directory {Directory}: hot container {Container} was not confirmed removed", EventName = "DirectoryKept")]
    public static partial void DirectoryKept(ILogger logger, string directory, string container);

    [LoggerMessage(241, LogLevel.Warning, "The state of hot container {Container} could not be read from the engine ({Reason}); replacing it", EventName = "StateLost")]
    public static partial void StateLost(ILogger logger, string container, string reason);
}
