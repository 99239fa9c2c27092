using System.Collections.Concurrent;

namespace FnPipeline.HotPool;

/// <summary>
/// Owns every hot container from its creation to the end of its removal and acts on what the containers report
/// (<see cref="IHotContainerOwner"/>): an idle container goes on its pool's stack; a container that asks to go is
/// removed in the background; a freed place goes back to the pool and the executor-wide budget, wakes the waiters
/// that a limit held back, and retires an empty pool. Shutdown aborts and removes through it.
/// </summary>
internal sealed class ContainerKeeper(HotPoolContext context, PoolRegistry pools) : IHotContainerOwner
{
    private readonly ConcurrentDictionary<HotContainer, byte> _containers = new();

    /// <summary>Containers created and not yet removed (starting, ready, idle, busy or being removed).</summary>
    public int Count => _containers.Count;

    /// <summary>Creates a container of <paramref name="pool"/> in a place already reserved in both limits.</summary>
    public HotContainer Create(FunctionPool pool, SocketDirectory directory, TimeSpan idleTimeout)
    {
        var container = new HotContainer(context, this, pool, directory, idleTimeout);
        _containers.TryAdd(container, 0);
        return container;
    }

    public void Idle(HotContainer container) => container.Pool.AddIdle(container);

    public bool TryWithdrawIdle(HotContainer container) => container.Pool.TryRemoveIdle(container);

    public void RemoveMe(HotContainer container, string reason) => context.Background.Track(container.RemoveAsync(reason));

    public void PlaceFreed(HotContainer container)
    {
        // The set makes "once" hold even if a removal reported twice.
        if (_containers.TryRemove(container, out _))
        {
            FreePlace(container.Pool);
        }
    }

    /// <summary>A reserved place is given back: by a removed container, or by a launch that failed before it had one.</summary>
    public void FreePlace(FunctionPool pool)
    {
        pool.ContainerGone();
        context.Budget.Release();
        pools.SignalWaiters();
        pools.TryRetire(pool);
    }

    /// <summary>A launch ended (ready or failed): its slot is free, so waiters held back by the slots look again.</summary>
    public void LaunchEnded()
    {
        context.Starts.End();
        pools.SignalWaiters();
    }

    /// <summary>Aborts every running call (the drain timeout passed).</summary>
    public void AbortCalls(CallAbortReason reason)
    {
        foreach (var (container, _) in _containers)
        {
            container.Call.Abort(reason);
        }
    }

    /// <summary>
    /// Removes every container and waits for background work (exit watchers, adopted launches, removals), which
    /// ends once its container is gone; repeats in case a launch finishing meanwhile created one more.
    /// </summary>
    public async Task RemoveAllAsync(string reason)
    {
        do
        {
            var removals = new List<Task>(_containers.Count);
            foreach (var (container, _) in _containers)
            {
                removals.Add(container.RemoveAsync(reason));
            }

            await Task.WhenAll(removals).ConfigureAwait(false);
            await context.Background.WhenIdleAsync().ConfigureAwait(false);
        }
        while (!_containers.IsEmpty);
    }
}
