namespace FnPipeline.Cli.Gateway;

/// <summary>What <c>fnpipe serve</c> was asked for, besides the executor's options.</summary>
internal sealed record GatewaySettings
{
    /// <summary>Default <see cref="MaxRequestBytes"/>: 16 MiB.</summary>
    public const long DefaultMaxRequestBytes = 16L * 1024 * 1024;

    /// <summary>Fn's <c>Retry-After</c> on 503.</summary>
    public const int DefaultRetryAfterSeconds = 15;

    /// <summary>Default <see cref="ErrorStderrBytes"/>: 4 KiB.</summary>
    public const int DefaultErrorStderrBytes = 4 * 1024;

    /// <summary>Default <see cref="StreamHold"/>: 100 ms.</summary>
    public static readonly TimeSpan DefaultStreamHold = TimeSpan.FromMilliseconds(100);

    /// <summary>Addresses to listen on, e.g. <c>http://127.0.0.1:8080</c> (port 0: any free port).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:8080"];

    /// <summary>Largest request body accepted; past it 413.</summary>
    public long MaxRequestBytes { get; init; } = DefaultMaxRequestBytes;

    /// <summary>The <c>Retry-After</c> value (seconds) of 503 responses.</summary>
    public int RetryAfterSeconds { get; init; } = DefaultRetryAfterSeconds;

    /// <summary>
    /// How much of a failed call's stderr (its last bytes, UTF-8) the error body carries as <c>stderr</c>; 0 leaves it
    /// out (stderr may hold what callers should not see).
    /// </summary>
    public int ErrorStderrBytes { get; init; } = DefaultErrorStderrBytes;

    /// <summary>
    /// How long the gateway holds an output that began (up to 64 KiB of it) before it commits the 200 and streams: a call
    /// that ends within it is answered whole (its real status, Content-Length, Server-Timing), so a function that writes
    /// an error and fails at once still gets its error status. 0 streams from the first byte.
    /// </summary>
    public TimeSpan StreamHold { get; init; } = DefaultStreamHold;

    /// <summary>
    /// <c>serve --nats</c>: the fleet whose front door the gateway is (calls go to its nodes; no engine here). Null: the
    /// gateway runs calls on this machine's engine.
    /// </summary>
    public FnPipeline.Fleet.FleetOptions? Fleet { get; init; }

    /// <summary>What runs between Kestrel's start and the listening line (docs/cli.md, "Warm-up").</summary>
    public WarmUpMode WarmUp { get; init; } = WarmUpModes.Default;

    /// <summary>Default <see cref="IdleTrimAfter"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultIdleTrimAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the gateway must be idle (allocating almost nothing) after work before it returns the memory the work
    /// left behind (<see cref="IdleMemoryTrim"/>); 0 never does.
    /// </summary>
    public TimeSpan IdleTrimAfter { get; init; } = DefaultIdleTrimAfter;
}
