using System.Diagnostics.CodeAnalysis;
using FnPipeline.Lifecycle;

namespace FnPipeline.HotPool;

/// <summary>
/// The containers of one function and the callers waiting for one.
/// <para>
/// Slot hand-off: idle containers sit on an <see cref="IdleStack"/> (LIFO, one token per stacked container). A caller
/// takes a container by first reading a token, then popping the top of the stack: the tokens give waiting callers
/// FIFO order, cancellation (deadline, caller) and an allocation-free fast path, while the stack decides which
/// container. Tokens are written under the same lock as pushes, so whoever holds a token is guaranteed a container to
/// pop. Removing a specific idle
/// container (idle timeout, death, eviction) must take a token too; if none is left, every stacked container is
/// already promised to a caller that is about to pop it, so the removal yields and the caller sees its state.
/// </para>
/// <para>
/// Scaling: a container is launched only when the calls waiting for one (<see cref="Waiting"/>) outnumber the idle
/// containers on the stack and the launches in flight (<see cref="Starting"/>). A waiter stops counting the moment it
/// is served (it pops a container, or its own launch finishes) under the same lock that changes those counts, so a
/// burst of N callers never makes more than N containers.
/// </para>
/// <para>
/// <see cref="CapacitySignals"/> carry "a limit may have room" hints to waiters blocked by a limit.
/// </para>
/// </summary>
internal sealed class FunctionPool
{
    private readonly object _gate = new();
    private readonly IdleStack _idle;
    private readonly CapacitySignals _capacity;
    private int _live;
    private int _waiting;
    private int _starting;
    private bool _retired;

    public FunctionPool(FunctionKey key, int maxContainers)
    {
        Key = key;
        MaxContainers = maxContainers;
        _idle = new IdleStack(maxContainers);
        _capacity = new CapacitySignals(maxContainers);
    }

    public FunctionKey Key { get; }

    public int MaxContainers { get; }

    /// <summary>Containers of this function that are starting or running.</summary>
    public int Live => Volatile.Read(ref _live);

    /// <summary>Calls waiting for a container of this function and not yet served.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Launches of this function in flight (or finished and not yet handed to their caller or the stack).</summary>
    public int Starting => Volatile.Read(ref _starting);

    public int IdleCount
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    public bool IsRetired => Volatile.Read(ref _retired);

    /// <summary>The fast path: the most recently idle container, if any, with no waiting and no allocation.</summary>
    /// <param name="container">The container taken.</param>
    /// <param name="forWaiter">Whether the taker is a counted waiter, which stops waiting with it.</param>
    public bool TryTakeIdle([NotNullWhen(true)] out HotContainer? container, bool forWaiter = false)
    {
        if (_idle.TryReadToken())
        {
            container = PopIdle(forWaiter);
            return true;
        }

        container = null;
        return false;
    }

    /// <summary>Waits (FIFO with other waiters) for a token; the caller then owes a <see cref="PopIdle"/> or <see cref="PutBackToken"/>.</summary>
    public ValueTask<byte> ReadIdleTokenAsync(CancellationToken cancellationToken) => _idle.ReadTokenAsync(cancellationToken);

    /// <summary>Pops the top of the stack; only valid while holding a token.</summary>
    /// <param name="forWaiter">The taker is a counted waiter: it stops waiting in the same step, so the demand stays balanced.</param>
    public HotContainer PopIdle(bool forWaiter = false)
    {
        lock (_gate)
        {
            var top = _idle.Pop();
            if (forWaiter)
            {
                _waiting--;
            }
            else
            {
                // A caller that never waited took a container a waiter may have counted on: let it look again.
                SignalIfUnderServed();
            }

            return top;
        }
    }

    /// <summary>Gives back a token read but not used (the caller took a freshly launched container instead).</summary>
    public void PutBackToken()
    {
        lock (_gate)
        {
            _idle.WriteToken(Key);
        }
    }

    /// <summary>Pushes a container on the stack (called under the container's lock).</summary>
    public void AddIdle(HotContainer container)
    {
        lock (_gate)
        {
            _idle.Push(container, Key);
        }
    }

    /// <summary>Takes a specific container off the stack with its token; <c>false</c> if a caller has claimed it.</summary>
    public bool TryRemoveIdle(HotContainer container)
    {
        lock (_gate)
        {
            return _idle.TryRemove(container);
        }
    }

    /// <summary>The least recently idle container (bottom of the stack), as an eviction candidate.</summary>
    public HotContainer? OldestIdle()
    {
        lock (_gate)
        {
            return _idle.Oldest;
        }
    }

    /// <summary>
    /// Reserves a launch when the waiting calls outnumber the idle and starting containers: a place in this function's
    /// limit, then in the executor's, then a launch slot.
    /// </summary>
    public LaunchReservation TryReserveLaunch(ContainerBudget budget, LaunchSlots starts)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return LaunchReservation.Retired;
            }

            if (_waiting <= _idle.Count + _starting)
            {
                return LaunchReservation.NotNeeded;
            }

            if (_live >= MaxContainers)
            {
                return LaunchReservation.FunctionFull;
            }

            if (!budget.TryReserve())
            {
                return LaunchReservation.ExecutorFull;
            }

            if (!starts.TryBegin())
            {
                // A launch is in flight: its end signals every waiting pool.
                budget.Release();
                return LaunchReservation.StartsFull;
            }

            _live++;
            _starting++;
            return LaunchReservation.Reserved;
        }
    }

    /// <summary>
    /// A launch was handed over: to its waiting caller (<paramref name="servedWaiter"/>, which stops waiting in the
    /// same step), to the stack (after it was pushed), or it failed.
    /// </summary>
    public void LaunchHandedOver(bool servedWaiter)
    {
        lock (_gate)
        {
            _starting--;
            if (servedWaiter)
            {
                _waiting--;
            }

            SignalIfUnderServed();
        }
    }

    /// <summary>A container of this function was removed (or its launch never created one).</summary>
    public void ContainerGone()
    {
        lock (_gate)
        {
            _live--;
        }
    }

    /// <summary>Counts a waiter; <c>false</c> when the pool is retired (look it up again).</summary>
    public bool TryBeginWait()
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _waiting++;
            return true;
        }
    }

    public void EndWait()
    {
        lock (_gate)
        {
            _waiting--;
        }
    }

    /// <summary>Retires the pool when it has no container and no waiter, so that unused functions do not pile up.</summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            if (_live == 0 && _waiting == 0 && _idle.Count == 0)
            {
                _retired = true;
            }

            return _retired;
        }
    }

    /// <summary>Under the lock: wakes a waiter when the waiting calls outnumber the idle and starting containers.</summary>
    private void SignalIfUnderServed()
    {
        if (_waiting > _idle.Count + _starting)
        {
            SignalCapacity();
        }
    }

    /// <summary>Tells one waiter that a limit may have room now.</summary>
    public void SignalCapacity() => _capacity.Signal();

    /// <summary>Registers for one capacity signal; the caller owes a <see cref="WithdrawCapacityWait"/>.</summary>
    public CapacityWait RegisterCapacityWait() => _capacity.Register();

    /// <summary>Ends a registration: whether it was signalled.</summary>
    public bool WithdrawCapacityWait(CapacityWait wait) => _capacity.Withdraw(wait);
}
