namespace FnPipeline.HotPool;

/// <summary>The options the hot pool uses, copied once at construction so that later changes cannot race it.</summary>
internal sealed record HotPoolSettings
{
    public required string SocketBaseDirectory { get; init; }

    /// <summary>From start until <c>lsnr.sock</c> must appear (<see cref="HotPoolOptions.StartTimeout"/>).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A call's wait for a ready container, its launch included (<see cref="FnPipelineOptions.StartTimeout"/>).</summary>
    public TimeSpan CallStartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan? PauseAfter { get; init; }

    public int MaxContainersPerFunction { get; init; } = 8;

    public int MaxContainers { get; init; } = 64;

    public int MaxResponseHeaderBytes { get; init; } = 64 * 1024;

    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public long MaxOutputBytes { get; init; } = 64L * 1024 * 1024;

    public int MaxStderrBytes { get; init; } = 1024 * 1024;

    /// <summary>How long in-flight calls may finish after disposal begins.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on one pause or unpause; Fn used 5 s for freeze and thaw.</summary>
    public TimeSpan PauseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a failed call waits for the engine to report the container's exit, to name its code.
    /// Only a broken exchange pays it; a loaded engine can take over a second to report a crash.</summary>
    public TimeSpan ExitReportGrace { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The full path of the socket base directory (the temp directory by default); the owner lock lives there too.</summary>
    public static string ResolveSocketBaseDirectory(HotPoolOptions hot)
    {
        ArgumentNullException.ThrowIfNull(hot);
        return Path.GetFullPath(hot.SocketBaseDirectory ?? Path.GetTempPath());
    }

    public static HotPoolSettings From(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hot = options.Hot;
        return new HotPoolSettings
        {
            SocketBaseDirectory = ResolveSocketBaseDirectory(hot),
            StartTimeout = hot.StartTimeout,
            CallStartTimeout = options.StartTimeout,
            IdleTimeout = hot.IdleTimeout,
            PauseAfter = hot.PauseAfter,
            MaxContainersPerFunction = hot.MaxContainersPerFunction,
            MaxContainers = hot.MaxContainers,
            MaxResponseHeaderBytes = hot.MaxResponseHeaderBytes,
            DefaultTimeout = options.DefaultTimeout,
            MaxOutputBytes = options.MaxOutputBytes,
            MaxStderrBytes = options.MaxStderrBytes,
            DrainTimeout = options.DrainTimeout,
        };
    }
}
