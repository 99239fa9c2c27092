namespace FnPipeline;

/// <summary>
/// The executor's limits for calls that set none, and the one place where a <see cref="FunctionCall"/>'s own
/// settings are weighed against them (<see cref="Resolve"/>).
/// </summary>
internal sealed record CallDefaults
{
    public required long MemoryMB { get; init; }

    public required TimeSpan Timeout { get; init; }

    public required long MaxOutputBytes { get; init; }

    public required int MaxStderrBytes { get; init; }

    public required bool ReadOnlyRootFs { get; init; }

    public required bool Init { get; init; }

    /// <summary>Hot containers only: <see cref="HotPoolOptions.IdleTimeout"/>.</summary>
    public required TimeSpan IdleTimeout { get; init; }

    public static CallDefaults From(FnPipelineOptions options) => new()
    {
        MemoryMB = options.DefaultMemoryMB,
        Timeout = options.DefaultTimeout,
        MaxOutputBytes = options.MaxOutputBytes,
        MaxStderrBytes = options.MaxStderrBytes,
        ReadOnlyRootFs = options.ReadOnlyRootFs,
        Init = options.EnableInit,
        IdleTimeout = options.Hot.IdleTimeout,
    };

    /// <summary>The call with every limit it left unset (0 or <c>null</c>) taken from these defaults.</summary>
    public ResolvedCall Resolve(FunctionCall call, string callId)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(callId);
        return new ResolvedCall(call, callId)
        {
            MemoryMB = call.MemoryMB > 0 ? call.MemoryMB : MemoryMB,
            Timeout = call.Timeout ?? Timeout,
            MaxOutputBytes = call.MaxOutputBytes > 0 ? call.MaxOutputBytes : MaxOutputBytes,
            MaxStderrBytes = MaxStderrBytes,
            ReadOnlyRootFs = call.ReadOnlyRootFs ?? ReadOnlyRootFs,
            Init = call.Init ?? Init,
            IdleTimeout = call.IdleTimeout ?? IdleTimeout,
        };
    }
}
