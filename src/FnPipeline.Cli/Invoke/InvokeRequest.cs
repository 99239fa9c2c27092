namespace FnPipeline.Cli.Invoke;

/// <summary>What <c>fnpipe invoke</c> was asked to run.</summary>
internal sealed record InvokeRequest
{
    public required string Image { get; init; }

    public FunctionFormat Format { get; init; }

    public long MemoryMB { get; init; }

    public long MilliCpus { get; init; }

    public TimeSpan? Timeout { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public IReadOnlyList<string>? Command { get; init; }

    public bool Json { get; init; }

    public bool Verbose { get; init; }

    /// <summary>The call; the last value of a repeated name wins.</summary>
    public FunctionCall ToCall(CallInput input) => new()
    {
        Image = Image,
        Format = Format,
        MemoryMB = MemoryMB,
        MilliCpus = MilliCpus,
        Timeout = Timeout,
        Environment = LastWins(Environment),
        Labels = LastWins(Labels),
        Headers = Headers,
        Command = Command,
        Input = input,
        FunctionName = "fnpipe-invoke",
    };

    private static Dictionary<string, string> LastWins(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            result[key] = value;
        }

        return result;
    }
}
