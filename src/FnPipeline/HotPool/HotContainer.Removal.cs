using FnPipeline.Driver;

namespace FnPipeline.HotPool;

/// <summary>Removal: force-remove the engine container, close the client, delete the directory, give the place back.</summary>
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
            await RemoveFromEngineAsync().ConfigureAwait(false);
            await _lifetime.CancelAsync().ConfigureAwait(false);
            if (_exit is { IsCompleted: true })
            {
                // The driver has read the output to its end, so the sinks' buffers can go back to the pool.
                Output.Dispose();
            }

            DeleteDirectory();
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

    private async Task RemoveFromEngineAsync()
    {
        IContainerHandle? handle;
        lock (_gate)
        {
            handle = _handle;
        }

        if (handle is null)
        {
            return;
        }

        await _context.Removals.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await handle.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            HotPoolLog.RemoveFailed(_context.Logger, ShortName, ex);
        }
        finally
        {
            _context.Removals.Release();
            _context.Metrics.ContainerRemoved(FunctionFormat.HttpStream);
        }
    }

    private void DeleteDirectory()
    {
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
