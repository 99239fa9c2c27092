namespace FnPipeline.HotPool;

/// <summary>
/// The executor-wide cap on hot containers (<see cref="HotPoolOptions.MaxContainers"/>): a lock-free counter of
/// containers that are starting or running. Releasing raises <see cref="Released"/> so that callers waiting in any
/// function's pool can try to launch again.
/// </summary>
internal sealed class ContainerBudget(int maxContainers)
{
    private int _used;

    public int MaxContainers { get; } = maxContainers;

    public int Used => Volatile.Read(ref _used);

    /// <summary>Raised after a container's place was given back (never under a lock).</summary>
    public event Action? Released;

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

        Released?.Invoke();
    }
}
