namespace FnPipeline.HotPool;

/// <summary>
/// Idle life: back to the pool after a call, paused after <see cref="HotPoolSettings.PauseAfter"/>, removed after
/// the idle timeout, unpaused when a call takes it. One timer per container, re-armed (never re-created) per idle
/// period; a callback that arrives late or early re-checks the elapsed time, so stale timers do no harm.
/// </summary>
internal sealed partial class HotContainer
{
    private readonly ITimer _idleTimer;
    private long _idleSince;
    private bool _paused;
    private Task<bool>? _pausing;

    /// <summary>When this container became idle (a <see cref="TimeProvider"/> timestamp), for "oldest idle first" eviction.</summary>
    public long IdleSince
    {
        get
        {
            lock (_gate)
            {
                return _idleSince;
            }
        }
    }

    /// <summary>After a call (or a launch nobody took): idle on top of the pool's stack, or removed if it died.</summary>
    public void ReturnToPool()
    {
        lock (_gate)
        {
            if (!HasEnded && _state is HotContainerState.Busy or HotContainerState.Ready)
            {
                _state = HotContainerState.Idle;
                _idleSince = _context.Time.GetTimestamp();
                Pool.AddIdle(this);
                _idleTimer.Change(FirstIdleDue(), Timeout.InfiniteTimeSpan);
                return;
            }
        }

        _context.Background.Track(RemoveAsync(_stateError is null ? "exited during its call" : "its state could not be read from the engine"));
    }

    /// <summary>
    /// Claims a container just popped from the pool for a call. Completes synchronously unless the container is
    /// paused (or pausing); <c>false</c> means it died or could not be unpaused (it is being removed): take another.
    /// </summary>
    public ValueTask<bool> TryActivateAsync()
    {
        Task<bool>? pausing;
        bool paused;
        lock (_gate)
        {
            if (_state != HotContainerState.Idle || HasEnded)
            {
                return new ValueTask<bool>(DropAfterClaim());
            }

            _state = HotContainerState.Busy;
            _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            pausing = _pausing;
            paused = _paused;
        }

        return pausing is null && !paused ? new ValueTask<bool>(true) : new ValueTask<bool>(ResumeAsync(pausing));
    }

    /// <summary>Removes this idle container to make room for another function; <c>false</c> if a call claimed it first.</summary>
    public bool TryEvict(string reason)
    {
        lock (_gate)
        {
            if (_state != HotContainerState.Idle || !Pool.TryRemoveIdle(this))
            {
                return false;
            }

            _state = HotContainerState.Dead;
        }

        _context.Background.Track(RemoveAsync(reason));
        return true;
    }

    private bool DropAfterClaim()
    {
        // Claimed from the stack but dead (exited, or removed at shutdown): make sure removal runs, take another.
        _context.Background.Track(RemoveAsync("exited while idle"));
        return false;
    }

    private async Task<bool> ResumeAsync(Task<bool>? pausing)
    {
        if (pausing is not null && !await pausing.ConfigureAwait(false))
        {
            _context.Background.Track(RemoveAsync("pause failed"));
            return false;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_context.Settings.PauseTimeout, _context.Time);
            await _handle!.UnpauseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            HotPoolLog.UnpauseFailed(_context.Logger, ShortName, ex);
            _context.Background.Track(RemoveAsync("unpause failed"));
            return false;
        }

        lock (_gate)
        {
            _paused = false;
            _pausing = null;
        }

        return true;
    }

    private TimeSpan FirstIdleDue() =>
        _context.Settings.PauseAfter is { } pause && pause < IdleTimeout ? pause : IdleTimeout;

    private void OnIdleTimer()
    {
        var (pause, idleMs, remove) = DecideIdleStep();
        if (pause is not null)
        {
            _context.Background.Track(PauseAsync(pause, idleMs));
        }
        else if (remove)
        {
            _context.Background.Track(RemoveAsync($"idle for {IdleTimeout.TotalSeconds:0.###} s"));
        }
    }

    /// <summary>Under the lock: pause now, remove now (taken off the stack), or re-arm for the next threshold.</summary>
    private (TaskCompletionSource<bool>? Pause, double IdleMs, bool Remove) DecideIdleStep()
    {
        lock (_gate)
        {
            if (_state != HotContainerState.Idle)
            {
                return (null, 0, false);
            }

            var idleFor = _context.Time.GetElapsedTime(_idleSince);
            if (idleFor >= IdleTimeout)
            {
                // A caller holding a token for it wins; it will see the container idle and use it.
                if (!Pool.TryRemoveIdle(this))
                {
                    return (null, 0, false);
                }

                _state = HotContainerState.Dead;
                return (null, 0, true);
            }

            if (_context.Settings.PauseAfter is { } pauseAfter && pauseAfter < IdleTimeout && idleFor >= pauseAfter &&
                !_paused && _pausing is null)
            {
                var pause = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pausing = pause.Task;
                _idleTimer.Change(IdleTimeout - idleFor, Timeout.InfiniteTimeSpan);
                return (pause, idleFor.TotalMilliseconds, false);
            }

            // Early (timer resolution) or stale: aim at the next threshold again.
            var next = _paused || _pausing is not null ? IdleTimeout : FirstIdleDue();
            _idleTimer.Change(next - idleFor, Timeout.InfiniteTimeSpan);
            return (null, 0, false);
        }
    }

    private async Task PauseAsync(TaskCompletionSource<bool> pausing, double idleMs)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_context.Settings.PauseTimeout, _context.Time);
            await _handle!.PauseAsync(timeout.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _paused = true;
                _pausing = null;
            }

            HotPoolLog.Paused(_context.Logger, ShortName, idleMs);
            pausing.TrySetResult(true);
        }
        catch (Exception ex)
        {
            // Fn's rule: a container that cannot be frozen is not trusted again. A caller already waiting on the
            // pause sees false and replaces it; otherwise it leaves the pool now.
            HotPoolLog.PauseFailed(_context.Logger, ShortName, ex);
            pausing.TrySetResult(false);
            TryEvict("pause failed");
        }
    }
}
