using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>Log messages of the Docker driver. Event ids 100–199 belong to the driver; retired ids stay reserved here.</summary>
internal static partial class DockerLog
{
    [LoggerMessage(100, LogLevel.Information, "Engine {Engine} at {Endpoint}", EventName = "EngineConnected")]
    public static partial void EngineConnected(ILogger logger, string engine, string endpoint);

    // 101 retired: OrphansReaped of the instance-based reaper (now ReaperLog, 160-169).

    [LoggerMessage(102, LogLevel.Information, "Loaded images from {File}", EventName = "ImagesLoaded")]
    public static partial void ImagesLoaded(ILogger logger, string file);

    // 103 (NoRegistryAuth) and 104 (RegistryAuthEntrySkipped) retired: registry credentials log in CredentialLog (170-179).

    [LoggerMessage(105, LogLevel.Information, "Pulling image {Image} from {Registry} as {User}", EventName = "PullStarted")]
    public static partial void PullStarted(ILogger logger, string image, string registry, string user);

    [LoggerMessage(106, LogLevel.Information, "Pulled image {Image} in {ElapsedMs:F0} ms", EventName = "PullCompleted")]
    public static partial void PullCompleted(ILogger logger, string image, double elapsedMs);

    [LoggerMessage(107, LogLevel.Warning, "Pull of image {Image} failed ({Status}): {Message}", EventName = "PullFailed")]
    public static partial void PullFailed(ILogger logger, string image, int status, string message);

    [LoggerMessage(108, LogLevel.Debug, "Joined the pull of image {Image} already under way", EventName = "PullJoined")]
    public static partial void PullJoined(ILogger logger, string image);

    [LoggerMessage(109, LogLevel.Debug, "Every caller left the pull of {Image}; cancelling it", EventName = "PullAbandoned")]
    public static partial void PullAbandoned(ILogger logger, string image);

    [LoggerMessage(110, LogLevel.Debug, "Created container {ContainerId} ({Name}) with network {NetworkMode}", EventName = "ContainerCreated")]
    public static partial void ContainerCreated(ILogger logger, TruncatedId containerId, string name, string networkMode);

    [LoggerMessage(111, LogLevel.Debug, "Started container {ContainerId}", EventName = "ContainerStarted")]
    public static partial void ContainerStarted(ILogger logger, TruncatedId containerId);

    [LoggerMessage(112, LogLevel.Debug, "Container {ContainerId} exited with {ExitCode} (OOM killed: {OomKilled}, output limit exceeded: {OutputLimitExceeded})", EventName = "ContainerExited")]
    public static partial void ContainerExited(ILogger logger, TruncatedId containerId, long exitCode, bool oomKilled, bool outputLimitExceeded);

    [LoggerMessage(113, LogLevel.Information, "Container {ContainerId} exceeded its {Stream} limit; killing it", EventName = "OutputLimitExceeded")]
    public static partial void OutputLimitExceeded(ILogger logger, TruncatedId containerId, string stream);

    [LoggerMessage(114, LogLevel.Warning, "Killing container {ContainerId} failed", EventName = "KillFailed")]
    public static partial void KillFailed(ILogger logger, TruncatedId containerId, Exception exception);

    [LoggerMessage(117, LogLevel.Debug, "Stats of container {ContainerId} stopped", EventName = "StatsStopped")]
    public static partial void StatsStopped(ILogger logger, TruncatedId containerId, Exception exception);

    [LoggerMessage(118, LogLevel.Debug, "Writing stdin of container {ContainerId} stopped early", EventName = "InputWriteStopped")]
    public static partial void InputWriteStopped(ILogger logger, TruncatedId containerId, Exception exception);

    [LoggerMessage(119, LogLevel.Debug, "Container {ContainerId} health is {Status}; waiting", EventName = "WaitingForHealth")]
    public static partial void WaitingForHealth(ILogger logger, TruncatedId containerId, string status);

    [LoggerMessage(120, LogLevel.Information, "Pre-fork pool of {Size} placeholders from {Image} starting", EventName = "PoolStarting")]
    public static partial void PoolStarting(ILogger logger, int size, string image);

    [LoggerMessage(121, LogLevel.Debug, "Pre-fork placeholder {Slot} ready as {ContainerId}", EventName = "PoolSlotReady")]
    public static partial void PoolSlotReady(ILogger logger, int slot, TruncatedId containerId);

    [LoggerMessage(122, LogLevel.Warning, "Pre-fork placeholder {Slot} failed; re-creating it", EventName = "PoolSlotFailed")]
    public static partial void PoolSlotFailed(ILogger logger, int slot, Exception exception);

    [LoggerMessage(123, LogLevel.Debug, "Pre-fork placeholder {Slot} exited; re-creating it", EventName = "PoolSlotExited")]
    public static partial void PoolSlotExited(ILogger logger, int slot);

    [LoggerMessage(124, LogLevel.Debug, "Pre-fork pool empty; the container gets its own network namespace", EventName = "PoolEmpty")]
    public static partial void PoolEmpty(ILogger logger);

    [LoggerMessage(125, LogLevel.Debug, "Reading the output of container {ContainerId} failed", EventName = "OutputReadFailed")]
    public static partial void OutputReadFailed(ILogger logger, TruncatedId containerId, Exception exception);

    [LoggerMessage(126, LogLevel.Information, "Removed image {Image} ({ImageId}, {Bytes} bytes): the images in use exceeded ImageCleanMaxSizeMB", EventName = "ImageEvicted")]
    public static partial void ImageEvicted(ILogger logger, string image, TruncatedId imageId, long bytes);

    [LoggerMessage(127, LogLevel.Warning, "The engine refused to remove image {Image} ({ImageId}): {Reason}; it is no longer tracked", EventName = "ImageEvictionRefused")]
    public static partial void ImageEvictionRefused(ILogger logger, string image, TruncatedId imageId, string reason);
}
