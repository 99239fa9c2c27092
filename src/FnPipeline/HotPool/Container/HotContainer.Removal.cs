using FnPipeline.Driver;

namespace FnPipeline.HotPool;

/// <summary>
/// Removal: force-remove the engine container, close the client, give the place back, and delete the directory once the
/// engine confirms the container gone (a failed removal is retried by the executor's removal queue; a container that
/// may still run keeps its directory until then).
/// </summary>
internal sealed partial class HotContainer
{
    /// <summary>Removes the container (once; later calls return the same task). Never throws.</summary>
    public Task RemoveAsync(string reason)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_removal is not null)
            {
                return _removal;
            }

            if (_state == HotContainerState.Idle)
            {
                // If a caller holds a token for it, that caller sees Dead and drops it.
                Pool.TryRemoveIdle(this);
            }

            _state = HotContainerState.Dead;
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _removal = done.Task;
        }

        // Started outside the lock: removal calls the engine.
        _ = RemoveCoreAsync(reason, done);
        return done.Task;
    }

    private async Task RemoveCoreAsync(string reason, TaskCompletionSource done)
    {
        try
        {
            _idleTimer.Dispose();
            _callTimer.Dispose();
            Client?.Dispose();
            var gone = await RemoveFromEngineAsync().ConfigureAwait(false);
            await _lifetime.CancelAsync().ConfigureAwait(false);
            Output.ReportDroppedLines();
            if (_exit is { IsCompleted: true })
            {
                // The driver has read the output to its end, so the sinks' buffers can go back to the pool.
                Output.Dispose();
            }

            if (gone.IsCompleted)
            {
                DeleteDirectory(await gone.ConfigureAwait(false));
            }
            else
            {
                _ = DeleteDirectoryWhenGoneAsync(gone);
            }

            DisposeCancellation();
            HotPoolLog.Removed(_context.Logger, ShortName, reason);
        }
        finally
        {
            _context.Containers.TryRemove(this, out _);
            _context.PlaceReleased?.Invoke(Pool);
            done.TrySetResult();
        }
    }

    /// <summary>Disposes the handle (the queue's first attempt); the task says when the engine confirmed it gone.</summary>
    private async Task<Task<bool>> RemoveFromEngineAsync()
    {
        IContainerHandle? handle;
        lock (_gate)
        {
            handle = _handle;
        }

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
            HotPoolLog.RemoveFailed(_context.Logger, ShortName, ex);
        }

        return _context.Driver.Tracker.WhenGoneAsync(handle.Id);
    }

    private async Task DeleteDirectoryWhenGoneAsync(Task<bool> gone) => DeleteDirectory(await gone.ConfigureAwait(false));

    private void DeleteDirectory(bool containerGone)
    {
        if (!containerGone)
        {
            // The removal queue gave up at shutdown: the container may still use it; both are left for an operator.
            HotPoolLog.DirectoryKept(_context.Logger, Directory.Path, ShortName);
            return;
        }

        try
        {
            Directory.Delete();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HotPoolLog.DirectoryDeleteFailed(_context.Logger, Directory.Path, ex);
        }
    }

    private void DisposeCancellation()
    {
        _lifetime.Dispose();
        lock (_gate)
        {
            // A call still running (only possible if removal raced a call's end) keeps its source alive.
            if (!_inCall)
            {
                _callCts.Dispose();
            }
        }
    }
}
