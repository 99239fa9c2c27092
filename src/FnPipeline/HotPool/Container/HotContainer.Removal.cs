using FnPipeline.Driver;

namespace FnPipeline.HotPool;

/// <summary>
/// Removal: stop the timers, close the client, remove the engine container and its directory
/// (<see cref="ContainerTeardown"/>), then report the freed place to the owner, once.
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
                _owner.TryWithdrawIdle(this);
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
            _idle.Dispose();
            Call.StopTimer();
            Client?.Dispose();
            await ContainerTeardown.RunAsync(_context, this, AttachedHandle, _exitWatch).ConfigureAwait(false);
            Call.Dispose();
            HotPoolLog.Removed(_context.Logger, ShortName, reason);
        }
        finally
        {
            _owner.PlaceFreed(this);
            done.TrySetResult();
        }
    }

    private IContainerHandle? AttachedHandle
    {
        get
        {
            lock (_gate)
            {
                return _handle;
            }
        }
    }
}
