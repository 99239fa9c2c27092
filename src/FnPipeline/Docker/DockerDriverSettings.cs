namespace FnPipeline.Docker;

/// <summary>
/// The driver's part of <see cref="ExecutorSettings"/>, derived from the validated options once. Its defaults are the
/// options' (<see cref="FnPipelineOptions"/>): none is written out here.
/// </summary>
internal sealed record DockerDriverSettings
{
    public required string InstanceId { get; init; }

    public string? MinimumDockerVersion { get; init; }

    /// <summary>The engine's API version floor (and the Docker product floor) that start-up checks.</summary>
    public Engine.EngineRequirements EngineRequirements { get; init; } = new(Version.Parse(Engine.EngineRequirements.DefaultMinimumApiVersion), null);

    /// <summary>Finds the engine from DOCKER_HOST and friends (this process's environment unless a test says otherwise).</summary>
    public Engine.EngineDiscovery EngineDiscovery { get; init; } = Engine.EngineDiscovery.FromProcess();

    public string? ImageLoadFile { get; init; }

    /// <summary>Where registry credentials are read from (on the first pull that needs them).</summary>
    public Credentials.RegistryCredentialInputs Credentials { get; init; } = FnPipeline.Docker.Credentials.RegistryCredentialInputs.FromProcess(null);

    public bool ReapOrphans { get; init; }

    /// <summary>Time between reaping passes after the one at start-up.</summary>
    public TimeSpan ReapInterval { get; init; }

    /// <summary>Where the owner lock lives: the hot pool's socket base directory, so that its markers sit beside them.</summary>
    public string OwnerDirectory { get; init; } = "";

    /// <summary>The owner labels every container of this driver carries; empty when no owner lock could be taken.</summary>
    public IReadOnlyDictionary<string, string> OwnerLabels { get; init; } = new Dictionary<string, string>();

    public long MaxTmpFsInodes { get; init; }

    public long PidsLimit { get; init; }

    public bool Unprivileged { get; init; }

    public bool AllowImageVolumes { get; init; }

    /// <summary>0: the image cleaner is off.</summary>
    public long ImageCleanMaxBytes { get; init; }

    public IReadOnlyList<string> ImageCleanExemptTags { get; init; } = [];

    /// <summary>Name (as the engine spells it) and value of every ulimit that is set.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Ulimits { get; init; } = [];

    public int MaxConcurrentRemovals { get; init; }

    /// <summary><see cref="FnPipelineOptions.RemovalDrainTimeout"/>.</summary>
    public TimeSpan RemovalDrainTimeout { get; init; }

    public TimeSpan HealthcheckPollInterval { get; init; }

    public TimeSpan PullTimeout { get; init; }

    public TimeSpan StatsDelay { get; init; }

    public IReadOnlyList<string> Networks { get; init; } = [];

    public int PreForkSize { get; init; }

    public string PreForkImage { get; init; } = "";

    public IReadOnlyList<string> PreForkCommand { get; init; } = [];

    public bool PreForkUseOnce { get; init; }

    public IReadOnlyList<string> PreForkNetworks { get; init; } = [];

    /// <summary>Extra labels for the containers the driver creates on its own (pre-fork placeholders); tests mark theirs.</summary>
    public IReadOnlyDictionary<string, string> ExtraLabels { get; init; } = new Dictionary<string, string>();

    /// <summary><see cref="FnPipelineOptions.ImagePullProgress"/>: receives pull progress; <c>null</c> reports nothing.</summary>
    public IProgress<ImagePullProgress>? PullProgress { get; init; }

    /// <summary><see cref="FnPipelineOptions.DockerEndpoint"/>, resolved later against <c>DOCKER_HOST</c>.</summary>
    public string? DockerEndpoint { get; init; }

    /// <summary>Called by <see cref="ExecutorSettings.FromValidated"/> only, with the executor's one instance id.</summary>
    internal static DockerDriverSettings From(FnPipelineOptions options, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DockerDriverSettings
        {
            DockerEndpoint = options.DockerEndpoint,
            InstanceId = instanceId,
            MinimumDockerVersion = string.IsNullOrWhiteSpace(options.MinimumDockerVersion) ? null : options.MinimumDockerVersion.Trim(),
            EngineRequirements = Engine.EngineRequirements.From(options),
            EngineDiscovery = options.EngineDiscovery ?? Engine.EngineDiscovery.FromProcess(),
            ImageLoadFile = string.IsNullOrWhiteSpace(options.ImageLoadFile) ? null : options.ImageLoadFile,
            Credentials = FnPipeline.Docker.Credentials.RegistryCredentialInputs.FromProcess(options.DockerAuthJson),
            ReapOrphans = options.ReapOrphans,
            ReapInterval = options.ReapInterval,
            OwnerDirectory = HotPool.HotPoolSettings.ResolveSocketBaseDirectory(options.Hot),
            MaxTmpFsInodes = options.MaxTmpFsInodes,
            PidsLimit = options.PidsLimit,
            Unprivileged = options.Unprivileged,
            AllowImageVolumes = options.AllowImageVolumes,
            ImageCleanMaxBytes = options.ImageCleanMaxSizeMB * 1024 * 1024,
            ImageCleanExemptTags = [.. options.ImageCleanExemptTags],
            Ulimits = UlimitsOf(options.Ulimits),
            MaxConcurrentRemovals = options.MaxConcurrentRemovals,
            RemovalDrainTimeout = options.RemovalDrainTimeout,
            HealthcheckPollInterval = options.HealthcheckPollInterval,
            PullTimeout = options.PullTimeout,
            StatsDelay = options.StatsDelay,
            PullProgress = options.ImagePullProgress,
            Networks = [.. options.Networks],
            PreForkSize = options.PreForkPool.Size,
            PreForkImage = options.PreForkPool.Image,
            PreForkCommand = [.. options.PreForkPool.Command],
            PreForkUseOnce = options.PreForkPool.UseOnce,
            PreForkNetworks = [.. options.PreForkPool.Networks],
        };
    }

    private static KeyValuePair<string, long>[] UlimitsOf(UlimitOptions ulimits)
    {
        (string Name, long? Value)[] all =
        [
            ("nofile", ulimits.OpenFiles),
            ("memlock", ulimits.LockedMemoryBytes),
            ("sigpending", ulimits.PendingSignals),
            ("msgqueue", ulimits.MessageQueueBytes),
        ];
        return [.. all.Where(u => u.Value is not null).Select(u => KeyValuePair.Create(u.Name, u.Value!.Value))];
    }
}
