using Microsoft.Extensions.Logging;

namespace FnPipeline.Diagnostics;

/// <summary>Log messages of the cold pipeline and the executor. Event ids 1-99; retired ids stay reserved.</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(1, LogLevel.Information, "Executor {InstanceId} started: max containers {MaxContainers}, queue limit {MaxQueuedCalls}", EventName = "ExecutorStarted")]
    public static partial void ExecutorStarted(ILogger logger, string instanceId, int maxContainers, int maxQueuedCalls);

    [LoggerMessage(2, LogLevel.Warning, "Call {CallId} refused: {Reason}", EventName = "CallRefused")]
    public static partial void CallRefused(ILogger logger, string callId, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Call {CallId} finished with {Status} in stage {Stage}", EventName = "CallFinished")]
    public static partial void CallFinished(ILogger logger, string callId, InvocationStatus status, string stage);

    [LoggerMessage(4, LogLevel.Error, "Call {CallId} failed in stage {Stage} with an engine error", EventName = "EngineFailure")]
    public static partial void EngineFailure(ILogger logger, string callId, string stage, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Removing container {ContainerId} of call {CallId} failed", EventName = "CleanupFailed")]
    public static partial void CleanupFailed(ILogger logger, string containerId, string callId, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Killing container {ContainerId} of call {CallId} failed", EventName = "KillFailed")]
    public static partial void KillFailed(ILogger logger, string containerId, string callId, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Executor {InstanceId} draining: {InFlight} calls in flight", EventName = "Draining")]
    public static partial void Draining(ILogger logger, string instanceId, int inFlight);

    [LoggerMessage(8, LogLevel.Warning, "Drain timeout of {DrainTimeout} passed; cancelling the calls still running", EventName = "DrainTimedOut")]
    public static partial void DrainTimedOut(ILogger logger, TimeSpan drainTimeout);

    [LoggerMessage(9, LogLevel.Information, "Executor {InstanceId} stopped", EventName = "ExecutorStopped")]
    public static partial void ExecutorStopped(ILogger logger, string instanceId);

    [LoggerMessage(60, LogLevel.Warning, "Executor {InstanceId} disposed synchronously: draining and container removal continue in the background (await DisposeAsync to wait for them)", EventName = "DisposedSynchronously")]
    public static partial void DisposedSynchronously(ILogger logger, string instanceId);

    [LoggerMessage(61, LogLevel.Error, "Executor {InstanceId}: the background disposal after a synchronous Dispose failed", EventName = "BackgroundDisposalFailed")]
    public static partial void BackgroundDisposalFailed(ILogger logger, string instanceId, Exception exception);
}
