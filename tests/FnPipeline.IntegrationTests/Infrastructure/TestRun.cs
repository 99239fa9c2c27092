namespace FnPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Labels that mark every container a test creates: <c>fnpipeline.test=1</c>, plus a per-run id so
/// that a leak check never counts the containers of another run on the same engine.
/// </summary>
public static class TestRun
{
    public const string TestLabel = "fnpipeline.test=1";

    public const string RunLabelKey = "fnpipeline.test.run";

    /// <summary>FNPIPELINE_TEST_RUN_ID when set (scripts/test.sh sets it to check for leaks after the run), else a new id.</summary>
    public static string Id { get; } =
        Environment.GetEnvironmentVariable("FNPIPELINE_TEST_RUN_ID") is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N");

    public static string RunLabel => $"{RunLabelKey}={Id}";

    /// <summary>The <c>docker run</c> arguments that apply both labels.</summary>
    public static IReadOnlyList<string> LabelArguments => ["--label", TestLabel, "--label", RunLabel];
}
