namespace FnPipeline.Protocol;

/// <summary>Settings of the per-container http-stream client.</summary>
internal sealed record HttpStreamClientOptions
{
    /// <summary>Largest response header section, in bytes (rounded up to whole KiB for the handler).</summary>
    public int MaxResponseHeaderBytes { get; init; } = 64 * 1024;

    /// <summary>How long an idle connection stays open. Fn settled on 1 s after FDKs that drop idle connections
    /// turned reuse into failed calls (fn#1470); reconnecting a unix socket costs microseconds.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bound on connecting to the socket (a listening socket accepts at once; this only stops a hang).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long refused connects are retried (5 ms doubling to 100 ms): covers a function that binds
    /// <c>lsnr.sock</c> itself, whose file appears a moment before it listens.</summary>
    public TimeSpan RefusedConnectRetry { get; init; } = TimeSpan.FromMilliseconds(750);

    /// <summary>Most bytes read and thrown away to keep a connection after a response larger than the cap.</summary>
    public long MaxDrainBytes { get; init; } = 1024 * 1024;
}
