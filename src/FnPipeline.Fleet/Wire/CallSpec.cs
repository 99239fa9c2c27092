namespace FnPipeline.Fleet.Wire;

/// <summary>
/// A <see cref="FunctionCall"/> as it crosses NATS: every field but the input, which travels as the message's body
/// (<see cref="FleetFrame"/>). JSON, camelCase; unknown fields are ignored so that a newer client can talk to an older node.
/// </summary>
internal sealed record CallSpec
{
    public required string Image { get; init; }
    public FunctionFormat Format { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public Dictionary<string, string>? Environment { get; init; }
    public long MemoryMB { get; init; }
    public long MilliCpus { get; init; }
    public double? TimeoutSeconds { get; init; }
    public long TmpFsMB { get; init; }
    public long FsSizeMB { get; init; }
    public string? WorkingDirectory { get; init; }
    public IReadOnlyList<VolumeMount>? Volumes { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public bool? ReadOnlyRootFs { get; init; }
    public bool? Init { get; init; }
    public LogDriverOptions? LogDriver { get; init; }
    public string? Network { get; init; }
    public long MaxOutputBytes { get; init; }

    /// <summary>Registry credentials travel with the call (use TLS to NATS when they matter).</summary>
    public RegistryCredentials? RegistryCredentials { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }
    public string? AppId { get; init; }
    public string? AppName { get; init; }
    public string? FunctionId { get; init; }
    public string? FunctionName { get; init; }
    public double? IdleTimeoutSeconds { get; init; }
    public string? CallId { get; init; }

    public static CallSpec From(FunctionCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new CallSpec
        {
            Image = call.Image,
            Format = call.Format,
            Command = call.Command,
            Environment = call.Environment.Count == 0 ? null : new Dictionary<string, string>(call.Environment, StringComparer.Ordinal),
            MemoryMB = call.MemoryMB,
            MilliCpus = call.MilliCpus,
            TimeoutSeconds = call.Timeout?.TotalSeconds,
            TmpFsMB = call.TmpFsMB,
            FsSizeMB = call.FsSizeMB,
            WorkingDirectory = call.WorkingDirectory,
            Volumes = call.Volumes.Count == 0 ? null : call.Volumes,
            Labels = call.Labels.Count == 0 ? null : new Dictionary<string, string>(call.Labels, StringComparer.Ordinal),
            ReadOnlyRootFs = call.ReadOnlyRootFs,
            Init = call.Init,
            LogDriver = call.LogDriver,
            Network = call.Network,
            MaxOutputBytes = call.MaxOutputBytes,
            RegistryCredentials = call.RegistryCredentials,
            Headers = call.Headers.Count == 0 ? null : call.Headers,
            AppId = NullIfEmpty(call.AppId),
            AppName = NullIfEmpty(call.AppName),
            FunctionId = NullIfEmpty(call.FunctionId),
            FunctionName = NullIfEmpty(call.FunctionName),
            IdleTimeoutSeconds = call.IdleTimeout?.TotalSeconds,
            CallId = NullIfEmpty(call.CallId),
        };
    }

    /// <summary>The call a node runs, with <paramref name="input"/> as its input.</summary>
    public FunctionCall ToCall(CallInput input) => new()
    {
        Image = Image,
        Format = Format,
        Command = Command,
        Environment = Environment ?? (IReadOnlyDictionary<string, string>)EmptyStrings,
        MemoryMB = MemoryMB,
        MilliCpus = MilliCpus,
        Timeout = TimeoutSeconds is { } timeout ? TimeSpan.FromSeconds(timeout) : null,
        TmpFsMB = TmpFsMB,
        FsSizeMB = FsSizeMB,
        WorkingDirectory = WorkingDirectory,
        Volumes = Volumes ?? [],
        Labels = Labels ?? (IReadOnlyDictionary<string, string>)EmptyStrings,
        ReadOnlyRootFs = ReadOnlyRootFs,
        Init = Init,
        LogDriver = LogDriver,
        Network = Network,
        Input = input,
        MaxOutputBytes = MaxOutputBytes,
        RegistryCredentials = RegistryCredentials,
        Headers = Headers ?? [],
        AppId = AppId ?? "",
        AppName = AppName ?? "",
        FunctionId = FunctionId ?? "",
        FunctionName = FunctionName ?? "",
        IdleTimeout = IdleTimeoutSeconds is { } idle ? TimeSpan.FromSeconds(idle) : null,
        CallId = CallId ?? "",
    };

    private static readonly Dictionary<string, string> EmptyStrings = new(StringComparer.Ordinal);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
