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

    public required int MaxContainersPerFunction { get; init; }

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

    /// <summary>Called by <see cref="ExecutorSettings.FromValidated"/> only. Per-call defaults (timeout, output, idle
    /// timeout) are not here: <see cref="CallDefaults"/> resolves them into each <see cref="ResolvedCall"/>.</summary>
    internal static HotPoolSettings From(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hot = options.Hot;
        return new HotPoolSettings
        {
            SocketBaseDirectory = ResolveSocketBaseDirectory(hot),
            StartTimeout = hot.StartTimeout,
            CallStartTimeout = options.StartTimeout,
            PauseAfter = hot.PauseAfter,
            MaxContainersPerFunction = hot.MaxContainersPerFunction,
            MaxContainers = hot.MaxContainers,
            MaxResponseHeaderBytes = hot.MaxResponseHeaderBytes,
            MaxStderrBytes = options.MaxStderrBytes,
            DrainTimeout = options.DrainTimeout,
        };
    }
}
