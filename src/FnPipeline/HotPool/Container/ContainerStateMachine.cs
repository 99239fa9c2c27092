using FnPipeline.Driver;

namespace FnPipeline.HotPool;

/// <summary>
/// A hot container's <see cref="HotContainerState"/> and every transition between states, under one lock: handed to
/// a call (ready or idle), back to the pool, paused and removed by its <see cref="IdleClock"/>, evicted, ended, removed.
/// It reports each transition to the container's <see cref="IHotContainerOwner"/>. The lock order is container, then
/// pool, then pause; nothing outside this type (engine calls, cancellation callbacks) runs under it.
/// </summary>
internal sealed class ContainerStateMachine : IDisposable
{
    private readonly HotPoolContext _context;
    private readonly IHotContainerOwner _owner;
    private readonly HotContainer _container;
    private readonly object _gate = new();
    private readonly ContainerPause _pause;
    private readonly IdleClock _idle;
    private HotContainerState _state = HotContainerState.Starting;
    private IContainerHandle? _handle;
    private ContainerExit? _exitInfo;
    private Exception? _stateError;
    private Task? _removal;

    public ContainerStateMachine(HotPoolContext context, IHotContainerOwner owner, HotContainer container, TimeSpan idleTimeout)
    {
        _context = context;
        _owner = owner;
        _container = container;
        _pause = new ContainerPause(context, owner, container);
        _idle = new IdleClock(context.Time, idleTimeout, context.Settings.PauseAfter, static s => ((ContainerStateMachine)s!).OnIdleTimer(), this);
    }

    /// <summary>The engine's container, once created; readable without the lock.</summary>
    public IContainerHandle? Handle => Volatile.Read(ref _handle);

    /// <summary>When the container became idle (a <see cref="TimeProvider"/> timestamp), for "oldest idle first" eviction.</summary>
    public long IdleSince => _idle.Since;

    /// <summary>Exited, or its state is unknown: either way it takes no more calls.</summary>
    private bool HasEnded => _exitInfo is not null || _stateError is not null;

    /// <summary>Takes ownership of the created engine container; <c>false</c> if removal already began (dispose it).</summary>
    public bool TryAttachHandle(IContainerHandle handle)
    {
        lock (_gate)
        {
            if (_removal is not null)
            {
                return false;
            }

            Volatile.Write(ref _handle, handle);
            return true;
        }
    }

    /// <summary>The container listens: it waits for its first call or the pool.</summary>
    public void MarkReady()
    {
        lock (_gate)
        {
            if (_state == HotContainerState.Starting)
            {
                _state = HotContainerState.Ready;
            }
        }
    }

    /// <summary>A launched container goes straight to the call that launched it.</summary>
    public bool TryTakeReady()
    {
        lock (_gate)
        {
            if (_state != HotContainerState.Ready || HasEnded)
            {
                return false;
            }

            _state = HotContainerState.Busy;
            return true;
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
                _idle.Start();
                _owner.Idle(_container);
                return;
            }
        }

        _owner.RemoveMe(_container, _stateError is null ? "exited during its call" : "its state could not be read from the engine");
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
                _owner.RemoveMe(_container, "exited while idle");
                return new ValueTask<bool>(false);
            }

            _state = HotContainerState.Busy;
            _idle.Stop();
        }

        // No pause can begin now (the container is busy); one under way is waited for.
        return _pause.NeedsResume(out var pausing) ? new ValueTask<bool>(_pause.ResumeAsync(Handle!, pausing)) : new ValueTask<bool>(true);
    }

    /// <summary>Removes the container if it is idle (evicted for room, ended, pause failed); <c>false</c> if it is not
    /// idle or a call claimed it first (whoever holds it then sees its state).</summary>
    public bool TryEvict(string reason)
    {
        lock (_gate)
        {
            if (_state != HotContainerState.Idle || !_owner.TryWithdrawIdle(_container))
            {
                return false;
            }

            _state = HotContainerState.Dead;
        }

        _owner.RemoveMe(_container, reason);
        return true;
    }

    /// <summary>
    /// Exited, or its state could not be read; <c>false</c> when that no longer matters (the state was lost during
    /// removal). A busy, ready or starting container is handled by whoever holds it (it sees the end).
    /// </summary>
    public bool TryRecordEnd(ContainerExit? exit, Exception? lost)
    {
        lock (_gate)
        {
            if (lost is not null && _removal is not null)
            {
                return false;
            }

            _exitInfo ??= exit;
            _stateError ??= lost;
            return true;
        }
    }

    /// <summary>
    /// Marks the container dead and off its stack. <c>true</c> for the first caller, who runs the removal and completes
    /// <paramref name="done"/>; later callers get the same <paramref name="removal"/>.
    /// </summary>
    public bool TryBeginRemoval(out Task removal, out TaskCompletionSource? done)
    {
        lock (_gate)
        {
            if (_removal is not null)
            {
                removal = _removal;
                done = null;
                return false;
            }

            if (_state == HotContainerState.Idle)
            {
                // If a caller holds a token for it, that caller sees Dead and drops it.
                _owner.TryWithdrawIdle(_container);
            }

            _state = HotContainerState.Dead;
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            removal = _removal = done.Task;
            return true;
        }
    }

    /// <summary>No idle step fires any more (removal began).</summary>
    public void Dispose() => _idle.Dispose();

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
                case IdleStep.Remove when _owner.TryWithdrawIdle(_container):
                    _state = HotContainerState.Dead;
                    break;
                default:
                    // Waiting, or a caller holding a token for it wins: it will see the container idle and use it.
                    return;
            }
        }

        if (pause is not null)
        {
            _context.Background.Track(_pause.PauseAsync(Handle!, pause, idleFor.TotalMilliseconds));
        }
        else
        {
            _owner.RemoveMe(_container, $"idle for {_idle.IdleTimeout.TotalSeconds:0.###} s");
        }
    }
}
