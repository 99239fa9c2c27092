namespace FnPipeline;

/// <summary>
/// A validated <see cref="FunctionCall"/> with its id and every limit resolved against the executor's defaults
/// (<see cref="CallDefaults.Resolve"/>), made once when the call enters the executor. Both lanes read the limits from
/// here, never from the options.
/// </summary>
internal sealed class ResolvedCall(FunctionCall call, string callId)
{
    public FunctionCall Call { get; } = call;

    public string CallId { get; } = callId;

    public required long MemoryMB { get; init; }

    /// <summary>The function's running time (from its start; the time before is bounded by the start timeout).</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>Most stdout (cold) or response body (hot) bytes.</summary>
    public required long MaxOutputBytes { get; init; }

    /// <summary>Stderr bytes kept; the rest is dropped with a truncation marker.</summary>
    public required int MaxStderrBytes { get; init; }

    public required bool ReadOnlyRootFs { get; init; }

    public required bool Init { get; init; }

    /// <summary>Hot containers only: idle time before the container is removed.</summary>
    public required TimeSpan IdleTimeout { get; init; }

    /// <summary>Set for a streaming call: the lane writes the output here as it comes instead of buffering it.</summary>
    public Streaming.OutputStreamer? Streamer { get; set; }
}
