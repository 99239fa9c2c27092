using System.Reflection;

namespace FnPipeline.Testing.Engine;

/// <summary>
/// Labels that mark every container a test creates: <c>fnpipeline.test=1</c>, plus a per-run id so that a leak check
/// never counts the containers of another run on the same engine. A test assembly that runs in parallel with another
/// on the same run id declares a suffix (<c>[assembly: AssemblyMetadata("FnPipeline.TestRunSuffix", "-cli")]</c>), which
/// keeps it out of the other's run-scoped checks (leak check, reaper tests); scripts/test.sh checks both values.
/// </summary>
public static class TestRun
{
    public const string TestLabel = "fnpipeline.test=1";

    public const string RunLabelKey = "fnpipeline.test.run";

    /// <summary>The assembly metadata key of the run id's suffix.</summary>
    public const string SuffixMetadataKey = "FnPipeline.TestRunSuffix";

    /// <summary>FNPIPELINE_TEST_RUN_ID when set (scripts/test.sh sets it to check for leaks after the run), else a new id; then the suffix.</summary>
    public static string Id { get; } =
        (Environment.GetEnvironmentVariable("FNPIPELINE_TEST_RUN_ID") is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N")) + Suffix();

    public static string RunLabel => $"{RunLabelKey}={Id}";

    /// <summary>Both labels as a map (executor options, engine API parameters).</summary>
    public static IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string>(StringComparer.Ordinal) { ["fnpipeline.test"] = "1", [RunLabelKey] = Id };

    /// <summary>The <c>docker run</c> (and <c>fnpipe invoke</c>) arguments that apply both labels.</summary>
    public static IReadOnlyList<string> LabelArguments => ["--label", TestLabel, "--label", RunLabel];

    /// <summary>The same labels for a functions file (YAML flow map).</summary>
    public static string YamlLabels => $"{{ \"fnpipeline.test\": \"1\", \"{RunLabelKey}\": \"{Id}\" }}";

    private static string Suffix() =>
        AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic)
            .SelectMany(a => a.GetCustomAttributes<AssemblyMetadataAttribute>())
            .FirstOrDefault(m => m.Key == SuffixMetadataKey)?.Value ?? "";
}
