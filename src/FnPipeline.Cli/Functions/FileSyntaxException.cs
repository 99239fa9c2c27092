namespace FnPipeline.Cli.Functions;

/// <summary>A functions file is not well-formed JSON or YAML; carries the 1-based position the parser stopped at.</summary>
internal sealed class FileSyntaxException : Exception
{
    public FileSyntaxException(int line, int column, string message)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    public FileSyntaxException()
    {
    }

    public FileSyntaxException(string message)
        : base(message)
    {
    }

    public FileSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Line { get; } = 1;

    public int Column { get; } = 1;
}
