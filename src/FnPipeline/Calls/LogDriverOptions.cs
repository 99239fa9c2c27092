namespace FnPipeline;

/// <summary>The Docker log driver for a function container. The default is <c>none</c>: output reaches the executor through attach.</summary>
/// <param name="Type">Docker log driver name, e.g. <c>none</c>, <c>json-file</c>, <c>syslog</c>.</param>
/// <param name="Config">Driver options, e.g. <c>syslog-address</c>.</param>
public sealed record LogDriverOptions(string Type, IReadOnlyDictionary<string, string>? Config = null)
{
    /// <summary>No engine-side logging (the default).</summary>
    public static LogDriverOptions None { get; } = new("none");
}
