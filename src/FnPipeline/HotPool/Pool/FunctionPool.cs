using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using FnPipeline.Lifecycle;

namespace FnPipeline.HotPool;

/// <summary>
/// The containers of one function and the callers waiting for one.
/// <para>
/// Slot hand-off: idle containers sit on a LIFO stack (<see cref="_idle"/>, top = most recently idle, so the hottest
/// container is reused and the others age towards their idle timeout), and a bounded channel holds exactly one token
/// per stacked container (<see cref="_idleTokens"/>). A caller takes a container by first reading a token, then
/// popping the top of the stack: the channel gives waiting callers FIFO order, cancellation (deadline, caller) and
/// an allocation-free fast path (<c>TryRead</c>), while the stack decides which container. Tokens are written under
/// the same lock as pushes, so whoever holds a token is guaranteed a container to pop. Removing a specific idle
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
/// A second bounded channel carries "capacity" signals: when any container anywhere is removed, pools with waiters
/// get a signal so that a waiter blocked by a limit tries to launch again. Signals are hints (dropped when the
/// channel is full, stale ones cost one retry); the waiter re-checks the limits itself.
/// </para>
/// </summary>
internal sealed class FunctionPool
{
    private readonly object _gate = new();
    private readonly List<HotContainer> _idle;
    private readonly Channel<byte> _idleTokens;
    private readonly Channel<byte> _capacitySignals;
    private int _live;
    private int _waiting;
    private int _starting;
    private bool _retired;

    public FunctionPool(FunctionKey key, int maxContainers)
    {
        Key = key;
        MaxContainers = maxContainers;
        _idle = new List<HotContainer>(maxContainers);

        // Never full in practice: tokens <= stacked containers <= live containers <= capacity.
        _idleTokens = Channel.CreateBounded<byte>(new BoundedChannelOptions(maxContainers)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        _capacitySignals = Channel.CreateBounded<byte>(new BoundedChannelOptions(maxContainers)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
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
        if (_idleTokens.Reader.TryRead(out _))
        {
            container = PopIdle(forWaiter);
            return true;
        }

        container = null;
        return false;
    }

    /// <summary>Waits (FIFO with other waiters) for a token; the caller then owes a <see cref="PopIdle"/> or <see cref="PutBackToken"/>.</summary>
    public ValueTask<byte> ReadIdleTokenAsync(CancellationToken cancellationToken) =>
        _idleTokens.Reader.ReadAsync(cancellationToken);

    /// <summary>Pops the top of the stack; only valid while holding a token.</summary>
    /// <param name="forWaiter">The taker is a counted waiter: it stops waiting in the same step, so the demand stays balanced.</param>
    public HotContainer PopIdle(bool forWaiter = false)
    {
        lock (_gate)
        {
            var top = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
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
            WriteToken();
        }
    }

    /// <summary>Pushes a container on the stack (called under the container's lock).</summary>
    public void AddIdle(HotContainer container)
    {
        lock (_gate)
        {
            _idle.Add(container);
            WriteToken();
        }
    }

    /// <summary>Takes a specific container off the stack with its token; <c>false</c> if a caller has claimed it.</summary>
    public bool TryRemoveIdle(HotContainer container)
    {
        lock (_gate)
        {
            var index = _idle.IndexOf(container);
            if (index < 0 || !_idleTokens.Reader.TryRead(out _))
            {
                return false;
            }

            _idle.RemoveAt(index);
            return true;
        }
    }

    /// <summary>The least recently idle container (bottom of the stack), as an eviction candidate.</summary>
    public HotContainer? OldestIdle()
    {
        lock (_gate)
        {
            return _idle.Count > 0 ? _idle[0] : null;
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
    public void SignalCapacity() => _capacitySignals.Writer.TryWrite(0);

    public ValueTask<byte> ReadCapacitySignalAsync(CancellationToken cancellationToken) =>
        _capacitySignals.Reader.ReadAsync(cancellationToken);

    private void WriteToken()
    {
        if (!_idleTokens.Writer.TryWrite(0))
        {
            throw new InvalidOperationException($"Function pool {Key}: more idle tokens than containers.");
        }
    }
}
