namespace FnPipeline.HotPool;

/// <summary>
/// Idle life: back to the pool after a call, paused after <see cref="HotPoolSettings.PauseAfter"/>, removed after
/// the idle timeout (<see cref="IdleClock"/>), unpaused when a call takes it (<see cref="ContainerPause"/>).
/// </summary>
internal sealed partial class HotContainer
{
    /// <summary>When this container became idle (a <see cref="TimeProvider"/> timestamp), for "oldest idle first" eviction.</summary>
    public long IdleSince => _idle.Since;

    /// <summary>After a call (or a launch nobody took): idle on top of the pool's stack, or removed if it died.</summary>
    public void ReturnToPool()
    {
        lock (_gate)
        {
            if (!HasEnded && _state is HotContainerState.Busy or HotContainerState.Ready)
            {
                _state = HotContainerState.Idle;
                _idle.Start();
                _owner.Idle(this);
                return;
            }
        }

        _owner.RemoveMe(this, _stateError is null ? "exited during its call" : "its state could not be read from the engine");
    }

    /// <summary>
    /// Claims a container just popped from the pool for a call. Completes synchronously unless the container is
    /// paused (or pausing); <c>false</c> means it died or could not be unpaused (it is being removed): take another.
    /// </summary>
    public ValueTask<bool> TryActivateAsync()
    {
        lock (_gate)
        {
            if (_state != HotContainerState.Idle || HasEnded)
            {
                // Claimed from the stack but dead (exited, or removed at shutdown): make sure removal runs, take another.
                _owner.RemoveMe(this, "exited while idle");
                return new ValueTask<bool>(false);
            }

            _state = HotContainerState.Busy;
            _idle.Stop();
        }

        // No pause can begin now (the container is busy); one under way is waited for.
        return _pause.NeedsResume(out var pausing) ? new ValueTask<bool>(_pause.ResumeAsync(AttachedHandle!, pausing)) : new ValueTask<bool>(true);
    }

    /// <summary>Removes this container if it is idle (evicted for room, ended, pause failed); <c>false</c> if it is not
    /// idle or a call claimed it first (whoever holds it then sees its state).</summary>
    public bool TryEvict(string reason)
    {
        lock (_gate)
        {
            if (_state != HotContainerState.Idle || !_owner.TryWithdrawIdle(this))
            {
                return false;
            }

            _state = HotContainerState.Dead;
        }

        _owner.RemoveMe(this, reason);
        return true;
    }

    private void OnIdleTimer()
    {
        TaskCompletionSource<bool>? pause = null;
        TimeSpan idleFor;
        lock (_gate)
        {
            if (_state != HotContainerState.Idle)
            {
                return;
            }

            switch (_idle.Next(_pause.IsPausedOrPausing, out idleFor))
            {
                case IdleStep.Pause when _pause.TryBegin() is { } begun:
                    pause = begun;
                    break;
                case IdleStep.Remove when _owner.TryWithdrawIdle(this):
                    _state = HotContainerState.Dead;
                    break;
                default:
                    // Waiting, or a caller holding a token for it wins: it will see the container idle and use it.
                    return;
            }
        }

        if (pause is not null)
        {
            _context.Background.Track(_pause.PauseAsync(AttachedHandle!, pause, idleFor.TotalMilliseconds));
        }
        else
        {
            _owner.RemoveMe(this, $"idle for {IdleTimeout.TotalSeconds:0.###} s");
        }
    }
}
