using FnPipeline.Driver;
using Microsoft.Extensions.Logging;

namespace FnPipeline.HotPool;

/// <summary>
/// Pausing an idle container and unpausing it for its next call, each bounded by
/// <see cref="HotPoolSettings.PauseTimeout"/>. The container's <see cref="ContainerStateMachine"/> decides when (under its lock, then this one: the lock
/// order is container, then pause); this type runs the engine calls and keeps "paused" and "pausing" consistent.
/// </summary>
internal sealed class ContainerPause(HotPoolContext context, IHotContainerOwner owner, HotContainer container)
{
    private readonly object _gate = new();
    private bool _paused;
    private Task<bool>? _pausing;

    /// <summary>Paused, or a pause is under way.</summary>
    public bool IsPausedOrPausing
    {
        get
        {
            lock (_gate)
            {
                return _paused || _pausing is not null;
            }
        }
    }

    /// <summary>Marks a pause as begun; <c>null</c> when the container is already paused or pausing.</summary>
    public TaskCompletionSource<bool>? TryBegin()
    {
        lock (_gate)
        {
            if (_paused || _pausing is not null)
            {
                return null;
            }

            var pause = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pausing = pause.Task;
            return pause;
        }
    }

    /// <summary>Whether a claimed container must be unpaused first; <paramref name="pausing"/> is a pause still running.</summary>
    public bool NeedsResume(out Task<bool>? pausing)
    {
        lock (_gate)
        {
            pausing = _pausing;
            return _paused || pausing is not null;
        }
    }

    /// <summary>Pauses the container; when the engine cannot, the container is evicted (unless a call claimed it).</summary>
    public async Task PauseAsync(IContainerHandle handle, TaskCompletionSource<bool> pausing, double idleMs)
    {
        try
        {
            using var timeout = new CancellationTokenSource(context.Settings.PauseTimeout, context.Time);
            await handle.PauseAsync(timeout.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _paused = true;
                _pausing = null;
            }

            HotPoolLog.Paused(context.Logger, container.ShortName, idleMs);
            pausing.TrySetResult(true);
        }
        catch (Exception ex)
        {
            // Fn's rule: a container that cannot be frozen is not trusted again. A caller already waiting on the
            // pause sees false and replaces it; otherwise it leaves the pool now.
            HotPoolLog.PauseFailed(context.Logger, container.ShortName, ex);
            pausing.TrySetResult(false);
            container.TryEvict("pause failed");
        }
    }

    /// <summary>Waits for a running pause, then unpauses; <c>false</c> when it failed (the container is removed).</summary>
    public async Task<bool> ResumeAsync(IContainerHandle handle, Task<bool>? pausing)
    {
        if (pausing is not null && !await pausing.ConfigureAwait(false))
        {
            owner.RemoveMe(container, "pause failed");
            return false;
        }

        try
        {
            using var timeout = new CancellationTokenSource(context.Settings.PauseTimeout, context.Time);
            await handle.UnpauseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            HotPoolLog.UnpauseFailed(context.Logger, container.ShortName, ex);
            owner.RemoveMe(container, "unpause failed");
            return false;
        }

        lock (_gate)
        {
            _paused = false;
            _pausing = null;
        }

        return true;
    }
}
