namespace FnPipeline.Cli.Tests;

/// <summary>docs/configuration.md stays true: every variable the executor reads has its row, and no row names one it does not read.</summary>
public sealed class ConfigurationDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(Infrastructure.Fnpipe.RepositoryRoot, "docs/configuration.md"));

    [Fact]
    public void EveryVariableTheExecutorReads_IsDocumented()
    {
        FnPipelineEnvironment.Names.Where(name => !Doc.Contains($"`{name}`", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public void EveryDocumentedVariable_IsRead()
    {
        var documented = System.Text.RegularExpressions.Regex.Matches(Doc, "`(FNPIPELINE_[A-Z0-9_]+)`").Select(m => m.Groups[1].Value).Distinct();

        documented.Except(FnPipelineEnvironment.Names).ShouldBeEmpty();
    }
}
