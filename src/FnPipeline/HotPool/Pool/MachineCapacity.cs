namespace FnPipeline.HotPool;

/// <summary>
/// What the machine can run, for the hot pool's defaults: a function gets at most twice the processor count of
/// containers (a hot container serves one call at a time; more than two per processor only queue on the CPU), and no more
/// than fit in the machine's memory at the function's memory limit; simultaneous launches default to the processor count.
/// </summary>
/// <param name="Processors">Processors the process may use (<see cref="Environment.ProcessorCount"/>).</param>
/// <param name="MemoryBytes">Memory the process sees (the machine's, or its container's limit).</param>
internal readonly record struct MachineCapacity(int Processors, long MemoryBytes)
{
    public const int ContainersPerProcessor = 2;
    public const int MinConcurrentStarts = 2;
    private const long BytesPerMB = 1024 * 1024;

    /// <summary>This machine, as the runtime sees it (a cgroup's limits included).</summary>
    public static MachineCapacity Current => new(Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

    /// <summary>The default cap of one function: min(2 × processors, memory ÷ its memory limit), within 1 and <paramref name="maxContainers"/>.</summary>
    public int ContainersPerFunction(long functionMemoryMB, int maxContainers)
    {
        var byProcessors = (long)Processors * ContainersPerProcessor;
        var byMemory = functionMemoryMB > 0 && MemoryBytes > 0 ? MemoryBytes / (functionMemoryMB * BytesPerMB) : long.MaxValue;
        return (int)Math.Clamp(Math.Min(byProcessors, byMemory), 1, Math.Max(1, maxContainers));
    }

    /// <summary>The default of <see cref="HotPoolOptions.MaxConcurrentStarts"/>: the processor count, at least 2.</summary>
    public int ConcurrentStarts => Math.Max(MinConcurrentStarts, Processors);
}
