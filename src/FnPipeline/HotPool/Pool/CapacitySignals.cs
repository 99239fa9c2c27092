namespace FnPipeline.HotPool;

/// <summary>
/// "A limit may have room now" hints for one function's waiters: when a container anywhere is removed or a launch
/// ends, pools with waiters get a signal so that a waiter blocked by a limit tries to launch again. Each signal wakes
/// one waiter (the longest registered); with no waiter it is kept for the next one, at most <c>capacity</c> of them,
/// the rest dropped. Hints only: a stale one costs one retry; the waiter re-checks the limits itself.
/// <para>
/// Not a channel: a waiter registers for one turn of its wait and usually withdraws unsignalled (a container came
/// back first). A cancelled channel read completes by throwing, one exception per waiting call; a withdrawal here
/// costs none.
/// </para>
/// </summary>
internal sealed class CapacitySignals(int capacity)
{
    private static readonly Task<bool> Signalled = Task.FromResult(true);

    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private int _kept;

    /// <summary>Wakes the longest registered waiter, or keeps the hint for the next one (dropped past the capacity).</summary>
    public void Signal()
    {
        TaskCompletionSource<bool> woken;
        lock (_gate)
        {
            if (_waiters.First is not { } first)
            {
                _kept = Math.Min(_kept + 1, capacity);
                return;
            }

            _waiters.Remove(first);
            woken = first.Value;
        }

        woken.TrySetResult(true);
    }

    /// <summary>Registers for one signal; completed at once when a kept hint is there. Pair it with <see cref="Withdraw"/>.</summary>
    public CapacityWait Register()
    {
        lock (_gate)
        {
            if (_kept > 0)
            {
                _kept--;
                return new CapacityWait(Signalled, null);
            }

            var node = _waiters.AddLast(new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
            return new CapacityWait(node.Value.Task, node);
        }
    }

    /// <summary>Ends a registration: <c>true</c> when it was signalled (the hint is the caller's), <c>false</c> when not (nothing consumed).</summary>
    public bool Withdraw(CapacityWait wait)
    {
        if (wait.Node is not { } node)
        {
            return true;
        }

        lock (_gate)
        {
            if (node.List is null)
            {
                return true;
            }

            _waiters.Remove(node);
        }

        node.Value.TrySetResult(false);
        return false;
    }
}

/// <summary>One registration for a capacity signal: its task completes with <c>true</c> when signalled.</summary>
internal readonly record struct CapacityWait(Task<bool> Task, LinkedListNode<TaskCompletionSource<bool>>? Node);
