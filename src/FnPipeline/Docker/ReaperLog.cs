using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>Log messages of owner locks and orphan reaping (event ids 160–169 of the driver's range).</summary>
internal static partial class ReaperLog
{
    [LoggerMessage(160, LogLevel.Information, "Removed {Containers} containers and {Directories} socket directories left by dead executor {Owner}", EventName = "OrphansReaped")]
    public static partial void OwnerReaped(ILogger logger, string owner, int containers, int directories);

    [LoggerMessage(161, LogLevel.Warning, "Dead executor {Owner}: {Left} containers could not be removed; its lock file {LockPath} stays for the next pass", EventName = "OrphanReapIncomplete")]
    public static partial void OwnerReapIncomplete(ILogger logger, string owner, int left, string lockPath);

    [LoggerMessage(162, LogLevel.Warning, "Reaping orphans failed; the next pass retries in {Interval}", EventName = "OrphanReapFailed")]
    public static partial void ReapFailed(ILogger logger, TimeSpan interval, Exception exception);

    [LoggerMessage(163, LogLevel.Warning, "No owner lock in {Directory}: this executor's containers carry no owner labels and are not reaped if it dies ({Reason})", EventName = "OwnerLockUnavailable")]
    public static partial void OwnerLockUnavailable(ILogger logger, string directory, string reason);

    [LoggerMessage(164, LogLevel.Debug, "Executor owner {Owner} holds {LockPath}", EventName = "OwnerLockTaken")]
    public static partial void OwnerLockTaken(ILogger logger, string owner, string lockPath);

    [LoggerMessage(165, LogLevel.Information, "Executor owner {Owner} left containers on the engine (or could not list them); its lock file {LockPath} stays for a reaper", EventName = "OwnerFilesKept")]
    public static partial void OwnerFilesKept(ILogger logger, string owner, string lockPath);

    [LoggerMessage(166, LogLevel.Warning, "Could not reap executor owner {Owner} ({LockPath}): {Reason}; the next pass tries again", EventName = "OwnerReapFailed")]
    public static partial void OwnerReapFailed(ILogger logger, string owner, string lockPath, string reason);
}
