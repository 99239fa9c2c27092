namespace FnPipeline.HotPool;

/// <summary>
/// The executor-wide bound on hot launches in flight (<see cref="HotPoolOptions.MaxConcurrentStarts"/>): container
/// starts on one engine slow each other down, so a launch past the bound waits for one to finish instead.
/// </summary>
internal sealed class LaunchSlots(int max)
{
    private int _inFlight;

    public int Max { get; } = max;

    /// <summary>Launches in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a slot if one is free now; never waits.</summary>
    public bool TryBegin()
    {
        var current = Volatile.Read(ref _inFlight);
        while (current < Max)
        {
            var seen = Interlocked.CompareExchange(ref _inFlight, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void End()
    {
        if (Interlocked.Decrement(ref _inFlight) < 0)
        {
            throw new InvalidOperationException($"Launch slots (of {Max}) were released more often than taken.");
        }
    }
}
