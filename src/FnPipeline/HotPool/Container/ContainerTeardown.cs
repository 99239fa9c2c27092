using FnPipeline.Driver;

namespace FnPipeline.HotPool;

/// <summary>
/// The engine and disk side of a hot container's removal: force-remove the engine container (a failed removal is
/// retried by the executor's removal queue) and delete the socket directory once the engine confirms the container
/// gone (a container that may still run keeps its directory).
/// </summary>
internal static class ContainerTeardown
{
    /// <summary>Removes the engine container, stops the exit watch, returns the output buffers, deletes the directory.</summary>
    public static async Task RunAsync(HotPoolContext context, HotContainer container, IContainerHandle? handle, ExitWatch exitWatch)
    {
        var gone = await RemoveFromEngineAsync(handle, context, container.ShortName).ConfigureAwait(false);
        await exitWatch.StopAsync().ConfigureAwait(false);
        container.Output.ReportDroppedLines();
        if (exitWatch.HasEnded)
        {
            // The driver has read the output to its end, so the sinks' buffers can go back to the pool.
            container.Output.Dispose();
        }

        await DeleteDirectoryWhenGoneAsync(gone, container.Directory, context, container.ShortName).ConfigureAwait(false);
        exitWatch.Dispose();
    }

    /// <summary>Disposes the handle (the queue's first attempt); the task says when the engine confirmed it gone.</summary>
    private static async Task<Task<bool>> RemoveFromEngineAsync(IContainerHandle? handle, HotPoolContext context, string shortName)
    {
        if (handle is null)
        {
            return Task.FromResult(true);
        }

        try
        {
            await handle.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            HotPoolLog.RemoveFailed(context.Logger, shortName, ex);
        }

        return context.Driver.Tracker.WhenGoneAsync(handle.Id);
    }

    /// <summary>Deletes the directory now if the engine already answered, else when it does.</summary>
    private static async Task DeleteDirectoryWhenGoneAsync(Task<bool> gone, SocketDirectory directory, HotPoolContext context, string shortName)
    {
        if (gone.IsCompleted)
        {
            DeleteDirectory(await gone.ConfigureAwait(false), directory, context, shortName);
        }
        else
        {
            _ = DeleteLaterAsync(gone, directory, context, shortName);
        }
    }

    private static async Task DeleteLaterAsync(Task<bool> gone, SocketDirectory directory, HotPoolContext context, string shortName) =>
        DeleteDirectory(await gone.ConfigureAwait(false), directory, context, shortName);

    private static void DeleteDirectory(bool containerGone, SocketDirectory directory, HotPoolContext context, string shortName)
    {
        if (!containerGone)
        {
            // The removal queue gave up at shutdown: the container may still use it; both are left for an operator.
            HotPoolLog.DirectoryKept(context.Logger, directory.Path, shortName);
            return;
        }

        try
        {
            directory.Delete();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HotPoolLog.DirectoryDeleteFailed(context.Logger, directory.Path, ex);
        }
    }
}
