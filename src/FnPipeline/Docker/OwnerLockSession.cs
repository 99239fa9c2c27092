using Docker.DotNet;
using FnPipeline.Ownership;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// The driver's hold on this executor's owner lock (<see cref="ExecutorOwner"/>): taken when the driver is made,
/// released when it is disposed, deleting the owner's files only when the engine confirms that none of its containers
/// is left (otherwise a reaper, which then finds the lock free, removes what this executor could not).
/// </summary>
internal static class OwnerLockSession
{
    /// <summary>The owner lock under <paramref name="directory"/>; <c>null</c> (logged) when it cannot be taken.</summary>
    public static ExecutorOwner? TryTake(string directory, ILogger logger)
    {
        if (!FileLock.IsSupported)
        {
            ReaperLog.OwnerLockUnavailable(logger, directory, "this platform has no flock");
            return null;
        }

        try
        {
            var owner = ExecutorOwner.Acquire(directory);
            ReaperLog.OwnerLockTaken(logger, owner.Files.OwnerId, owner.Files.LockPath);
            return owner;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReaperLog.OwnerLockUnavailable(logger, directory, e.Message);
            return null;
        }
    }

    /// <summary>Releases the lock; its files go only when the engine lists none of the owner's containers.</summary>
    public static async Task ReleaseAsync(ExecutorOwner owner, IDockerClient client, TimeProvider time, ILogger logger)
    {
        var clean = false;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), time);
            var left = await OrphanReaper.ListManagedAsync(client, $"{OwnerLabels.Owner}={owner.Files.OwnerId}", timeout.Token).ConfigureAwait(false);
            clean = left.Count == 0;
        }
#pragma warning disable CA1031 // Disposal must not throw; an engine that cannot answer leaves the files to a reaper.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        try
        {
            owner.Release(deleteFiles: clean);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            clean = false;
        }

        if (!clean)
        {
            ReaperLog.OwnerFilesKept(logger, owner.Files.OwnerId, owner.Files.LockPath);
        }
    }
}
