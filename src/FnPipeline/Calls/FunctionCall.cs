namespace FnPipeline;

/// <summary>
/// One function call: which image to run, with which limits and options, and its input.
/// Validate with <see cref="FunctionCallValidator"/>; the executor rejects invalid calls before any engine work.
/// </summary>
public sealed record FunctionCall
{
    /// <summary>Image reference, e.g. <c>fnpipeline/testfn:latest</c> or <c>127.0.0.1:5000/team/fn@sha256:…</c>.</summary>
    public required string Image { get; init; }

    /// <summary>Exchange format. <see cref="FunctionFormat.Default"/> runs one container per call.</summary>
    public FunctionFormat Format { get; init; } = FunctionFormat.Default;

    /// <summary>Command override (argv); <c>null</c> keeps the image's CMD.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Environment variables given to the container (for http-stream: the function's config).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = EmptyStrings;

    /// <summary>Memory limit in MB; swap is disabled. 0 uses <see cref="FnPipelineOptions.DefaultMemoryMB"/>.</summary>
    public long MemoryMB { get; init; }

    /// <summary>CPU limit in milli-CPUs (1000 = one CPU); 0 means unlimited.</summary>
    public long MilliCpus { get; init; }

    /// <summary>Call timeout, counted from when the call got a container; <c>null</c> uses <see cref="FnPipelineOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Size of a tmpfs mounted at <c>/tmp</c> in MB; 0 means none unless the root filesystem is read-only.</summary>
    public long TmpFsMB { get; init; }

    /// <summary>Root filesystem size limit in MB (needs overlay on xfs with pquota); 0 means no limit.</summary>
    public long FsSizeMB { get; init; }

    /// <summary>Working directory inside the container (absolute).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Host directories bind-mounted into the container.</summary>
    public IReadOnlyList<VolumeMount> Volumes { get; init; } = [];

    /// <summary>Extra container labels. The executor's own (<see cref="ReservedNames.Labels"/>) are reserved.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyStrings;

    /// <summary>Read-only root filesystem; <c>null</c> uses <see cref="FnPipelineOptions.ReadOnlyRootFs"/>.</summary>
    public bool? ReadOnlyRootFs { get; init; }

    /// <summary>Run an init process (tini) as PID 1; <c>null</c> uses <see cref="FnPipelineOptions.EnableInit"/>.</summary>
    public bool? Init { get; init; }

    /// <summary>Docker log driver; <c>null</c> uses <c>none</c>.</summary>
    public LogDriverOptions? LogDriver { get; init; }

    /// <summary>Docker network to join (e.g. <c>bridge</c>); <c>null</c> lets the executor choose (none, pre-fork pool or configured networks).</summary>
    public string? Network { get; init; }

    /// <summary>The call's input.</summary>
    public CallInput Input { get; init; } = CallInput.Empty;

    /// <summary>Maximum output size in bytes; 0 uses <see cref="FnPipelineOptions.MaxOutputBytes"/>.</summary>
    public long MaxOutputBytes { get; init; }

    /// <summary>Credentials for pulling the image; <c>null</c> uses the executor's registry configuration.</summary>
    public RegistryCredentials? RegistryCredentials { get; init; }

    /// <summary>Request headers for http-stream calls (hop-by-hop headers are dropped).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Application id (http-stream: <c>FN_APP_ID</c>).</summary>
    public string AppId { get; init; } = "";

    /// <summary>Application name (http-stream: <c>FN_APP_NAME</c>).</summary>
    public string AppName { get; init; } = "";

    /// <summary>Function id (http-stream: <c>FN_FN_ID</c>).</summary>
    public string FunctionId { get; init; } = "";

    /// <summary>Function name (http-stream: <c>FN_FN_NAME</c>).</summary>
    public string FunctionName { get; init; } = "";

    /// <summary>Idle time after which a hot container is removed; <c>null</c> uses <see cref="HotPoolOptions.IdleTimeout"/>.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Caller-chosen call id; empty lets the executor create one.</summary>
    public string CallId { get; init; } = "";

    private static readonly IReadOnlyDictionary<string, string> EmptyStrings = new Dictionary<string, string>();
}
