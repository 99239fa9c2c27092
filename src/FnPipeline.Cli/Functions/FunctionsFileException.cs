namespace FnPipeline.Cli.Functions;

/// <summary>A functions file could not be used; <see cref="Problems"/> lists every problem, each with its file, line and field.</summary>
internal sealed class FunctionsFileException : Exception
{
    public FunctionsFileException(string path, IReadOnlyList<string> problems)
        : base(Format(path, problems))
    {
        Path = path;
        Problems = problems;
    }

    public FunctionsFileException()
        : this("", [])
    {
    }

    public FunctionsFileException(string message)
        : base(message)
    {
        Path = "";
        Problems = [message];
    }

    public FunctionsFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = "";
        Problems = [message];
    }

    public string Path { get; } = "";

    /// <summary>Each problem as <c>file:line:column: field: what is wrong</c>.</summary>
    public IReadOnlyList<string> Problems { get; } = [];

    private static string Format(string path, IReadOnlyList<string> problems) =>
        problems.Count == 1
            ? $"Functions file '{path}' is invalid: {problems[0]}"
            : $"Functions file '{path}' has {problems.Count} problems:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}";
}
