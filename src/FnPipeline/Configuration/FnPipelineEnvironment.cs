using System.Globalization;

namespace FnPipeline;

/// <summary>
/// Reads <c>FNPIPELINE_*</c> environment variables into <see cref="FnPipelineOptions"/>. Unlike Fn, booleans must be
/// <c>true</c>/<c>false</c>/<c>1</c>/<c>0</c> (presence alone means nothing) and every malformed value is reported.
/// </summary>
public static class FnPipelineEnvironment
{
    private delegate void Setter(FnPipelineOptions options, string value);

    private static readonly (string Name, Setter Apply)[] Variables =
    [
        ("FNPIPELINE_DOCKER_ENDPOINT", (o, v) => o.DockerEndpoint = v),
        ("FNPIPELINE_MIN_DOCKER_VERSION", (o, v) => o.MinimumDockerVersion = v.Length == 0 ? null : v),
        ("FNPIPELINE_MIN_ENGINE_API_VERSION", (o, v) => o.MinimumEngineApiVersion = v.Length == 0 ? null : v),
        ("FNPIPELINE_CHECK_ENGINE_ON_START", (o, v) => o.CheckEngineOnStart = Bool(v)),
        ("FNPIPELINE_IMAGE_LOAD_FILE", (o, v) => o.ImageLoadFile = v),
        ("FNPIPELINE_DOCKER_AUTH", (o, v) => o.DockerAuthJson = v),
        ("FNPIPELINE_NETWORKS", (o, v) => Replace(o.Networks, v)),
        ("FNPIPELINE_INSTANCE_ID", (o, v) => o.InstanceId = v),
        ("FNPIPELINE_REAP_ORPHANS", (o, v) => o.ReapOrphans = Bool(v)),
        ("FNPIPELINE_REAP_INTERVAL_MS", (o, v) => o.ReapInterval = Millis(v)),
        ("FNPIPELINE_MAX_QUEUED_CALLS", (o, v) => o.MaxQueuedCalls = Int(v)),
        ("FNPIPELINE_MAX_CONTAINERS", (o, v) => o.MaxContainers = Int(v)),
        ("FNPIPELINE_STAGE_IMAGE_PARALLELISM", (o, v) => o.Stages.ImageParallelism = Int(v)),
        ("FNPIPELINE_STAGE_CREATE_PARALLELISM", (o, v) => o.Stages.CreateParallelism = Int(v)),
        ("FNPIPELINE_STAGE_START_PARALLELISM", (o, v) => o.Stages.StartParallelism = Int(v)),
        ("FNPIPELINE_STAGE_RUN_PARALLELISM", (o, v) => o.Stages.RunParallelism = Int(v)),
        ("FNPIPELINE_STAGE_CLEANUP_PARALLELISM", (o, v) => o.Stages.CleanupParallelism = Int(v)),
        ("FNPIPELINE_STAGE_BUFFER", (o, v) => o.Stages.BufferPerStage = Int(v)),
        ("FNPIPELINE_DEFAULT_MEMORY_MB", (o, v) => o.DefaultMemoryMB = Long(v)),
        ("FNPIPELINE_DEFAULT_TIMEOUT_MS", (o, v) => o.DefaultTimeout = Millis(v)),
        ("FNPIPELINE_START_TIMEOUT_MS", (o, v) => o.StartTimeout = Millis(v)),
        ("FNPIPELINE_PULL_TIMEOUT_MS", (o, v) => o.PullTimeout = Millis(v)),
        ("FNPIPELINE_MAX_OUTPUT_BYTES", (o, v) => o.MaxOutputBytes = Long(v)),
        ("FNPIPELINE_MAX_STDERR_BYTES", (o, v) => o.MaxStderrBytes = Int(v)),
        ("FNPIPELINE_READONLY_ROOTFS", (o, v) => o.ReadOnlyRootFs = Bool(v)),
        ("FNPIPELINE_INIT", (o, v) => o.EnableInit = Bool(v)),
        ("FNPIPELINE_MAX_TMPFS_INODES", (o, v) => o.MaxTmpFsInodes = Long(v)),
        ("FNPIPELINE_PIDS_LIMIT", (o, v) => o.PidsLimit = Long(v)),
        ("FNPIPELINE_UNPRIVILEGED", (o, v) => o.Unprivileged = Bool(v)),
        ("FNPIPELINE_ALLOW_IMAGE_VOLUMES", (o, v) => o.AllowImageVolumes = Bool(v)),
        ("FNPIPELINE_IMAGE_CLEAN_MAX_SIZE_MB", (o, v) => o.ImageCleanMaxSizeMB = Long(v)),
        ("FNPIPELINE_IMAGE_CLEAN_EXEMPT_TAGS", (o, v) => Replace(o.ImageCleanExemptTags, v)),
        ("FNPIPELINE_ULIMIT_NOFILE", (o, v) => o.Ulimits.OpenFiles = OptionalLong(v)),
        ("FNPIPELINE_ULIMIT_MEMLOCK", (o, v) => o.Ulimits.LockedMemoryBytes = OptionalLong(v)),
        ("FNPIPELINE_ULIMIT_SIGPENDING", (o, v) => o.Ulimits.PendingSignals = OptionalLong(v)),
        ("FNPIPELINE_ULIMIT_MSGQUEUE", (o, v) => o.Ulimits.MessageQueueBytes = OptionalLong(v)),
        ("FNPIPELINE_MAX_CONCURRENT_REMOVALS", (o, v) => o.MaxConcurrentRemovals = Int(v)),
        ("FNPIPELINE_HEALTHCHECK_POLL_MS", (o, v) => o.HealthcheckPollInterval = Millis(v)),
        ("FNPIPELINE_STATS_DELAY_MS", (o, v) => o.StatsDelay = v == "-1" ? Timeout.InfiniteTimeSpan : Millis(v)),
        ("FNPIPELINE_DRAIN_TIMEOUT_MS", (o, v) => o.DrainTimeout = Millis(v)),
        ("FNPIPELINE_REMOVAL_DRAIN_TIMEOUT_MS", (o, v) => o.RemovalDrainTimeout = Millis(v)),
        ("FNPIPELINE_PREFORK_SIZE", (o, v) => o.PreForkPool.Size = Int(v)),
        ("FNPIPELINE_PREFORK_IMAGE", (o, v) => o.PreForkPool.Image = v),
        ("FNPIPELINE_PREFORK_CMD", (o, v) => Replace(o.PreForkPool.Command, v)),
        ("FNPIPELINE_PREFORK_USE_ONCE", (o, v) => o.PreForkPool.UseOnce = Bool(v)),
        ("FNPIPELINE_PREFORK_NETWORKS", (o, v) => Replace(o.PreForkPool.Networks, v)),
        ("FNPIPELINE_HOT_SOCKET_DIR", (o, v) => o.Hot.SocketBaseDirectory = v),
        ("FNPIPELINE_HOT_START_TIMEOUT_MS", (o, v) => o.Hot.StartTimeout = Millis(v)),
        ("FNPIPELINE_HOT_IDLE_TIMEOUT_MS", (o, v) => o.Hot.IdleTimeout = Millis(v)),
        ("FNPIPELINE_HOT_PAUSE_AFTER_MS", (o, v) => o.Hot.PauseAfter = v.Length == 0 ? null : Millis(v)),
        ("FNPIPELINE_HOT_MAX_PER_FUNCTION", (o, v) => o.Hot.MaxContainersPerFunction = OptionalInt(v)),
        ("FNPIPELINE_HOT_MAX_CONCURRENT_STARTS", (o, v) => o.Hot.MaxConcurrentStarts = OptionalInt(v)),
        ("FNPIPELINE_HOT_MAX_CONTAINERS", (o, v) => o.Hot.MaxContainers = Int(v)),
        ("FNPIPELINE_HOT_MAX_RESPONSE_HEADER_BYTES", (o, v) => o.Hot.MaxResponseHeaderBytes = Int(v)),
    ];

    /// <summary>The names of every variable read, in documentation order.</summary>
    public static IEnumerable<string> Names => Variables.Select(v => v.Name);

    /// <summary>
    /// Applies the variables that are set. <paramref name="getVariable"/> defaults to the process environment.
    /// Throws <see cref="FormatException"/> listing every malformed value.
    /// </summary>
    public static FnPipelineOptions Apply(FnPipelineOptions options, Func<string, string?>? getVariable = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        getVariable ??= Environment.GetEnvironmentVariable;
        var problems = new List<string>();
        foreach (var (name, apply) in Variables)
        {
            if (getVariable(name) is not { } raw)
            {
                continue;
            }

            try
            {
                apply(options, raw.Trim());
            }
            catch (FormatException ex)
            {
                problems.Add($"{name}='{raw}': {ex.Message}");
            }
        }

        return problems.Count == 0 ? options : throw new FormatException(string.Join("; ", problems));
    }

    private static void Replace(IList<string> target, string value)
    {
        target.Clear();
        // Fn documented commas but split on whitespace; both are accepted here.
        foreach (var item in value.Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            target.Add(item);
        }
    }

    private static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException("not an integer");

    private static long Long(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException("not an integer");

    /// <summary>Empty means unset (the engine's default).</summary>
    private static long? OptionalLong(string value) => value.Length == 0 ? null : Long(value);

    /// <summary>Empty means unset (derived from the machine).</summary>
    private static int? OptionalInt(string value) => value.Length == 0 ? null : Int(value);

    private static TimeSpan Millis(string value) => TimeSpan.FromMilliseconds(Long(value));

    private static bool Bool(string value) => value.ToUpperInvariant() switch
    {
        "TRUE" or "1" => true,
        "FALSE" or "0" => false,
        _ => throw new FormatException("not a boolean (true, false, 1 or 0)"),
    };
}
