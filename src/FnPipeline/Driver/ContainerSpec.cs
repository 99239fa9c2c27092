namespace FnPipeline.Driver;

/// <summary>
/// Everything the driver needs to create one container, independent of the engine's API shape. Built from a
/// <see cref="FunctionCall"/> and the executor's options by <see cref="ContainerSpecFactory"/>.
/// </summary>
internal sealed record ContainerSpec
{
    public required string Name { get; init; }

    public required string Image { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Ordered <c>KEY=VALUE</c> pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    public ContainerResources Resources { get; init; } = new();

    public string? WorkingDirectory { get; init; }

    public IReadOnlyList<VolumeMount> Volumes { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public bool ReadOnlyRootFs { get; init; }

    public bool Init { get; init; }

    public LogDriverOptions Logging { get; init; } = LogDriverOptions.None;

    /// <summary>Network to join; <c>null</c> lets the driver pick (pre-fork pool, configured networks, else <c>none</c>).</summary>
    public string? Network { get; init; }

    /// <summary>Hostname; only applied when the container gets its own network namespace.</summary>
    public string? Hostname { get; init; }

    /// <summary>Open and attach stdin (default format). Hot containers leave it closed.</summary>
    public bool AttachStdin { get; init; } = true;
}

/// <summary>Limits of one container.</summary>
internal sealed record ContainerResources
{
    /// <summary>Memory limit in bytes; swap disabled (swap = memory). 0 = unlimited.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>CPU limit in milli-CPUs; quota = mCPU × 100 over a 100 ms period. 0 = unlimited.</summary>
    public long MilliCpus { get; init; }

    /// <summary>tmpfs at <c>/tmp</c> in MB; 0 with <see cref="ContainerSpec.ReadOnlyRootFs"/> mounts an unsized tmpfs.</summary>
    public long TmpFsMB { get; init; }

    /// <summary>Inode limit of the tmpfs; 0 = engine default.</summary>
    public long TmpFsInodes { get; init; }

    /// <summary>Root filesystem size in MB (storage-opt size); 0 = none.</summary>
    public long FsSizeMB { get; init; }

    /// <summary>Process limit; 0 = engine default.</summary>
    public long PidsLimit { get; init; }
}
