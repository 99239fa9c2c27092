namespace FnPipeline.Cli.Functions;

/// <summary>
/// A functions file parsed into a format-neutral tree that remembers where each value was (1-based line and column),
/// so that every problem can name its line and field whether the file was JSON or YAML.
/// </summary>
internal abstract record FileNode(int Line, int Column)
{
    /// <summary>What the node is, for messages: <c>a map</c>, <c>a list</c>, <c>a string</c>, …</summary>
    public abstract string Describe();
}

/// <summary>A JSON object or YAML mapping; entries in file order.</summary>
internal sealed record MapNode(int Line, int Column, IReadOnlyList<MapEntry> Entries) : FileNode(Line, Column)
{
    public override string Describe() => "a map";
}

/// <summary>One key of a map, where the key was written, and its value.</summary>
internal sealed record MapEntry(string Key, int Line, int Column, FileNode Value);

/// <summary>A JSON array or YAML sequence.</summary>
internal sealed record ListNode(int Line, int Column, IReadOnlyList<FileNode> Items) : FileNode(Line, Column)
{
    public override string Describe() => "a list";
}

/// <summary>What a scalar was written as.</summary>
internal enum ScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>A string, number, boolean or null, with its text as written.</summary>
internal sealed record ScalarNode(int Line, int Column, string Text, ScalarKind Kind) : FileNode(Line, Column)
{
    public override string Describe() => Kind switch
    {
        ScalarKind.String => $"the string '{Text}'",
        ScalarKind.Number => $"the number {Text}",
        ScalarKind.Boolean => $"the boolean {Text}",
        _ => "null",
    };
}
