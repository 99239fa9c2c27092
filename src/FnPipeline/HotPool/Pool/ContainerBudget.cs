namespace FnPipeline.HotPool;

/// <summary>
/// The executor-wide cap on hot containers (<see cref="HotPoolOptions.MaxContainers"/>): a lock-free counter of
/// containers that are starting or running. Whoever frees a place wakes the waiters (<see cref="ContainerKeeper.FreePlace"/>).
/// </summary>
internal sealed class ContainerBudget(int maxContainers)
{
    private int _used;

    public int MaxContainers { get; } = maxContainers;

    public int Used => Volatile.Read(ref _used);

    public bool TryReserve()
    {
        var used = Volatile.Read(ref _used);
        while (used < MaxContainers)
        {
            var seen = Interlocked.CompareExchange(ref _used, used + 1, used);
            if (seen == used)
            {
                return true;
            }

            used = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _used) < 0)
        {
            throw new InvalidOperationException("The hot container budget was released more often than reserved.");
        }

    }
}
