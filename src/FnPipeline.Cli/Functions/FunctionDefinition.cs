namespace FnPipeline.Cli.Functions;

/// <summary>One function of a functions file: what <c>fnpipe serve</c> runs for <c>/invoke/{name}</c> and <c>/t/{name}</c>.</summary>
internal sealed record FunctionDefinition
{
    public required string Name { get; init; }

    public required string Image { get; init; }

    public FunctionFormat Format { get; init; }

    public long MemoryMB { get; init; }

    public long MilliCpus { get; init; }

    public TimeSpan? Timeout { get; init; }

    public TimeSpan? IdleTimeout { get; init; }

    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public long TmpFsMB { get; init; }

    public long FsSizeMB { get; init; }

    public long MaxOutputBytes { get; init; }

    /// <summary>Line of the function's entry in the file, for messages.</summary>
    public int Line { get; init; }

    /// <summary>A call of this function.</summary>
    public FunctionCall ToCall(string appName, CallInput input, IReadOnlyList<KeyValuePair<string, string>>? headers = null) => new()
    {
        Image = Image,
        Format = Format,
        MemoryMB = MemoryMB,
        MilliCpus = MilliCpus,
        Timeout = Timeout,
        IdleTimeout = Format == FunctionFormat.HttpStream ? IdleTimeout : null,
        Environment = Config,
        Command = Command,
        Labels = Labels,
        TmpFsMB = TmpFsMB,
        FsSizeMB = FsSizeMB,
        MaxOutputBytes = MaxOutputBytes,
        Input = input,
        Headers = headers ?? [],
        AppName = appName,
        FunctionName = Name,
        FunctionId = Name,
        AppId = appName,
    };
}
