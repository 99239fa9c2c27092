namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>
/// The labels that mark every container these tests make: <c>fnpipeline.test=1</c> and <c>fnpipeline.test.run=&lt;run id&gt;-cli</c>.
/// The suffix keeps this suite, which runs in parallel with FnPipeline.IntegrationTests, out of that suite's run-scoped
/// checks (its leak check and its orphan-reaper test); scripts/test.sh checks both values for leaks after the run.
/// </summary>
public static class TestRun
{
    public const string RunLabelKey = "fnpipeline.test.run";

    public static string Id { get; } =
        (Environment.GetEnvironmentVariable("FNPIPELINE_TEST_RUN_ID") is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N")) + "-cli";

    public static string RunLabel => $"{RunLabelKey}={Id}";

    /// <summary>The <c>fnpipe invoke</c> arguments that apply both labels.</summary>
    public static IReadOnlyList<string> InvokeLabelArguments => ["--label", "fnpipeline.test=1", "--label", RunLabel];

    /// <summary>The same labels for a functions file (YAML flow map).</summary>
    public static string YamlLabels => $"{{ \"fnpipeline.test\": \"1\", \"{RunLabelKey}\": \"{Id}\" }}";
}
