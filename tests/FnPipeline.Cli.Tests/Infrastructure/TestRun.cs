namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>
/// The labels that mark every container these tests make (as in FnPipeline.IntegrationTests): <c>fnpipeline.test=1</c>
/// and the run id that scripts/test.sh checks for leaks.
/// </summary>
public static class TestRun
{
    public const string RunLabelKey = "fnpipeline.test.run";

    public static string Id { get; } =
        Environment.GetEnvironmentVariable("FNPIPELINE_TEST_RUN_ID") is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N");

    public static string RunLabel => $"{RunLabelKey}={Id}";

    /// <summary>The <c>fnpipe invoke</c> arguments that apply both labels.</summary>
    public static IReadOnlyList<string> InvokeLabelArguments => ["--label", "fnpipeline.test=1", "--label", RunLabel];

    /// <summary>The same labels for a functions file (YAML flow map).</summary>
    public static string YamlLabels => $"{{ \"fnpipeline.test\": \"1\", \"{RunLabelKey}\": \"{Id}\" }}";
}
