namespace FnPipeline.HotPool;

/// <summary>The hot pool's part of <see cref="ExecutorSettings"/>, derived from the validated options once.</summary>
internal sealed record HotPoolSettings
{
    public required string SocketBaseDirectory { get; init; }

    /// <summary>From start until <c>lsnr.sock</c> must appear (<see cref="HotPoolOptions.StartTimeout"/>).</summary>
    public required TimeSpan StartTimeout { get; init; }

    /// <summary>A call's wait for a ready container, its launch included (<see cref="FnPipelineOptions.StartTimeout"/>).</summary>
    public required TimeSpan CallStartTimeout { get; init; }

    public required TimeSpan? PauseAfter { get; init; }

    /// <summary>The configured per-function cap; <c>null</c>: derived per function (<see cref="ContainersPerFunction"/>).</summary>
    public required int? MaxContainersPerFunction { get; init; }

    /// <summary>Launches in flight at once, all functions together (<see cref="HotPoolOptions.MaxConcurrentStarts"/>, resolved).</summary>
    public required int MaxConcurrentStarts { get; init; }

    /// <summary>The machine the defaults are derived from (settable for tests).</summary>
    public MachineCapacity Machine { get; init; } = MachineCapacity.Current;

    public required int MaxContainers { get; init; }

    public required int MaxResponseHeaderBytes { get; init; }

    /// <summary>Stderr kept per container and call (<see cref="FnPipelineOptions.MaxStderrBytes"/>).</summary>
    public required int MaxStderrBytes { get; init; }

    /// <summary>How long in-flight calls may finish after disposal begins.</summary>
    public required TimeSpan DrainTimeout { get; init; }

    /// <summary>Bound on one pause or unpause; Fn used 5 s for freeze and thaw. Not an option.</summary>
    public TimeSpan PauseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a failed call waits for the engine to report the container's exit, to name its code.
    /// Only a broken exchange pays it; a loaded engine can take over a second to report a crash. Not an option.</summary>
    public TimeSpan ExitReportGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The full path of the socket base directory (the temp directory by default); the owner lock lives there too.</summary>
    public static string ResolveSocketBaseDirectory(HotPoolOptions hot)
    {
        ArgumentNullException.ThrowIfNull(hot);
        return Path.GetFullPath(hot.SocketBaseDirectory ?? Path.GetTempPath());
    }

    /// <summary>The cap of a function whose containers have <paramref name="memoryMB"/>: the configured one, else the machine's rule.</summary>
    public int ContainersPerFunction(long memoryMB) =>
        MaxContainersPerFunction ?? Machine.ContainersPerFunction(memoryMB, MaxContainers);

    /// <summary>Called by <see cref="ExecutorSettings.FromValidated"/> only. Per-call defaults (timeout, output, idle
    /// timeout) are not here: <see cref="CallDefaults"/> resolves them into each <see cref="ResolvedCall"/>.</summary>
    internal static HotPoolSettings From(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hot = options.Hot;
        var machine = MachineCapacity.Current;
        return new HotPoolSettings
        {
            SocketBaseDirectory = ResolveSocketBaseDirectory(hot),
            StartTimeout = hot.StartTimeout,
            CallStartTimeout = options.StartTimeout,
            PauseAfter = hot.PauseAfter,
            MaxContainersPerFunction = hot.MaxContainersPerFunction,
            MaxConcurrentStarts = hot.MaxConcurrentStarts ?? machine.ConcurrentStarts,
            Machine = machine,
            MaxContainers = hot.MaxContainers,
            MaxResponseHeaderBytes = hot.MaxResponseHeaderBytes,
            MaxStderrBytes = options.MaxStderrBytes,
            DrainTimeout = options.DrainTimeout,
        };
    }
}
