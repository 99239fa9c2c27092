using System.ComponentModel.DataAnnotations;

namespace FnPipeline;

/// <summary>
/// Settings of an executor. Every option, its default and its environment variable is listed in
/// <c>docs/configuration.md</c>. Validated when the executor starts (<see cref="FnPipelineOptionsValidator"/>).
/// </summary>
public sealed class FnPipelineOptions
{
    /// <summary>
    /// Engine address, e.g. <c>unix:///var/run/docker.sock</c> or <c>tcp://host:2376</c>; <c>null</c> finds the engine as
    /// the docker CLI does: <c>DOCKER_HOST</c>, then <c>DOCKER_CONTEXT</c> / the config's <c>currentContext</c>, then the
    /// rootful socket, then the rootless one (<c>$XDG_RUNTIME_DIR/docker.sock</c>). TLS follows <c>DOCKER_TLS_VERIFY</c>
    /// and <c>DOCKER_CERT_PATH</c> (docs/configuration.md).
    /// </summary>
    public string? DockerEndpoint { get; set; }

    /// <summary>
    /// Oldest engine API version accepted at start-up (<c>major.minor</c>; default <c>1.33</c>, Docker 17.10's API). The
    /// API version, not the product version, so that Podman's Docker-compatible API passes. <c>null</c> skips the check.
    /// </summary>
    public string? MinimumEngineApiVersion { get; set; } = "1.33";

    /// <summary>
    /// Oldest Docker product version accepted at start-up (e.g. <c>20.10.0</c>); <c>null</c> (the default) skips it. Only
    /// Docker engines are held to it: other engines (Podman) number their products differently and are gated by
    /// <see cref="MinimumEngineApiVersion"/> alone.
    /// </summary>
    public string? MinimumDockerVersion { get; set; }

    /// <summary>
    /// Under a Generic Host (<c>AddFnPipeline</c>), check the engine when the host starts and fail the start with the
    /// engine's problem (no engine, TLS, version). On by default.
    /// </summary>
    public bool CheckEngineOnStart { get; set; } = true;

    /// <summary>Engine discovery with its own variables and rootful socket path (tests); <c>null</c> reads this process's environment.</summary>
    internal Docker.Engine.EngineDiscovery? EngineDiscovery { get; set; }

    /// <summary>Image tarball (<c>docker save</c> format) loaded into the engine at start-up.</summary>
    public string? ImageLoadFile { get; set; }

    /// <summary>
    /// Registry credentials as Docker's <c>config.json</c> (<c>{"auths":{...}}</c>); <c>null</c> reads
    /// <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c> when present.
    /// </summary>
    public string? DockerAuthJson { get; set; }

    /// <summary>Networks that function containers are spread over (least used first); empty means <c>none</c>.</summary>
    public IList<string> Networks { get; } = [];

    /// <summary>Identifies this executor's containers (label <c>fnpipeline.instance</c>); <c>null</c> makes a random one.</summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// At start-up and every <see cref="ReapInterval"/>, remove what dead executors of this host left: containers whose
    /// owner lock file exists on this host and is held by nobody, and their socket directories. Every executor holds
    /// its own lock while it lives, so live executors on a shared engine lose nothing; containers without owner labels
    /// (older versions, other tools) are never touched. On by default. Every executor takes its lock and labels its
    /// containers whatever this says, so that others can reap after it.
    /// </summary>
    public bool ReapOrphans { get; set; } = true;

    /// <summary>Time between orphan-reaping passes after the one at start-up.</summary>
    public TimeSpan ReapInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Calls that may wait for a container at once (waiting to enter the pipeline, in ensure-image, or waiting for a
    /// container slot); past it new calls are refused at once with 503 "too busy".
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedCalls { get; set; } = 1024;

    /// <summary>Most containers that may exist at once for cold calls (created and not yet removed).</summary>
    [Range(1, 10_000)]
    public int MaxContainers { get; set; } = 16;

    /// <summary>Capacity and parallelism of each pipeline stage.</summary>
    public StageOptions Stages { get; } = new();

    /// <summary>Memory limit for calls that set none, in MB.</summary>
    [Range(0, 1L << 30)]
    public long DefaultMemoryMB { get; set; } = 128;

    /// <summary>
    /// Timeout for calls that set none. A call's timeout is the function's running time: it counts from when its
    /// container started (cold: the engine's start returned; hot: the request is sent to a ready container). The time
    /// before that is bounded by <see cref="StartTimeout"/>.
    /// </summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest a call may take to get to a running function, on both lanes: cold, from submission until the engine's
    /// start returned (queue, image, create, start); hot, the wait for a ready container, its launch included. Past
    /// it the call fails with 504 <see cref="FnErrorKind.StartTimeout"/>, its message and timings saying where the
    /// time went; the function did not run. A first pull of a large image may need more.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest an image pull may take (504 past it).</summary>
    public TimeSpan PullTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Maximum output (stdout, or http-stream response body) per call in bytes, for calls that set none.</summary>
    [Range(1, int.MaxValue)]
    public long MaxOutputBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Stderr kept per call in bytes; the rest is dropped with a truncation marker.</summary>
    [Range(1, int.MaxValue)]
    public int MaxStderrBytes { get; set; } = 1024 * 1024;

    /// <summary>Read-only root filesystem for calls that do not say (Fn's default: on, with a tmpfs <c>/tmp</c>).</summary>
    public bool ReadOnlyRootFs { get; set; } = true;

    /// <summary>Run an init process (docker <c>--init</c>) for calls that do not say.</summary>
    public bool EnableInit { get; set; } = true;

    /// <summary>Inode limit of the <c>/tmp</c> tmpfs; 0 = engine default.</summary>
    [Range(0, long.MaxValue)]
    public long MaxTmpFsInodes { get; set; }

    /// <summary>Process limit per container; 0 = engine default.</summary>
    [Range(0, long.MaxValue)]
    public long PidsLimit { get; set; }

    /// <summary>
    /// Run function containers unprivileged, as Fn does by default: user <c>1000:1000</c>, every capability dropped,
    /// <c>no-new-privileges</c>. Off by default because images made for root (and their volumes) may not work as
    /// another user; turn it on for functions you did not write.
    /// </summary>
    public bool Unprivileged { get; set; }

    /// <summary>
    /// Run images that declare <c>VOLUME</c>s (each container then gets anonymous volumes on the host). Off by default,
    /// as in Fn: such calls fail with 400 before any container is created.
    /// </summary>
    public bool AllowImageVolumes { get; set; }

    /// <summary>
    /// Keep the images this executor used under this many MB: past it, the least recently used image that none of its
    /// containers uses is removed from the engine (Fn's image cleaner). 0 (default) never removes an image.
    /// </summary>
    [Range(0, long.MaxValue / (1024 * 1024))]
    public long ImageCleanMaxSizeMB { get; set; }

    /// <summary>Image names (<c>repository:tag</c>, as the engine lists them) the image cleaner never removes; the
    /// pre-fork image is always exempt.</summary>
    public IList<string> ImageCleanExemptTags { get; } = [];

    /// <summary>Resource limits of every function container; unset ones keep the engine's defaults.</summary>
    public UlimitOptions Ulimits { get; } = new();

    /// <summary>Most container removals at once: Debian's dockerd 20.10 can deadlock when ~100 run together.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentRemovals { get; set; } = 8;

    /// <summary>
    /// How long a container runs before its stats stream opens. The engine's first sample comes about a second after
    /// the stream opens, so calls shorter than that rarely get one; a delay spares them the stream's cost. 0 (default):
    /// at start. <see cref="Timeout.InfiniteTimeSpan"/> never collects stats.
    /// </summary>
    public TimeSpan StatsDelay { get; set; }

    /// <summary>Interval between healthcheck polls while waiting for a container with a Docker healthcheck.</summary>
    public TimeSpan HealthcheckPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Time in-flight calls get to finish when the executor is disposed; past it they are cancelled.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After the drain, how long disposal waits for the engine to confirm the removal of every container the executor
    /// created (failed removals are retried with back-off meanwhile); each container still there is then logged by id.
    /// 0 does not wait: removals still in flight are abandoned and logged.
    /// </summary>
    public TimeSpan RemovalDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Receives the progress of every image transfer (a pull shared by several calls reports once). Called on the
    /// engine stream's reader, in order: keep it fast and never throw. <c>null</c> (default) reports nothing.
    /// </summary>
    public IProgress<ImagePullProgress>? ImagePullProgress { get; set; }

    /// <summary>Pre-fork pool of placeholder containers whose network namespace function containers join.</summary>
    public PreForkPoolOptions PreForkPool { get; } = new();

    /// <summary>Hot (http-stream) container pool.</summary>
    public HotPoolOptions Hot { get; } = new();
}
