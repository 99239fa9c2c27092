using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests;

/// <summary>docs/embedding.md's example compiles (it is EmbeddingExample.cs), runs on the engine, and the doc shows it as it is.</summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class EmbeddingExampleTests
{
    private const string Begin = "// <embedding-example>";
    private const string End = "// </embedding-example>";

    [Fact]
    public async Task Example_RunsACallAndReturnsItsOutput()
    {
        var output = await MyApp.Example.RunAsync();

        output.ShouldBe("hello from my program");
    }

    [Fact]
    public async Task Doc_ShowsTheExampleVerbatim()
    {
        var source = await File.ReadAllTextAsync(Path.Combine(Fnpipe.RepositoryRoot, "tests/FnPipeline.Cli.Tests/EmbeddingExample.cs"));
        var doc = await File.ReadAllTextAsync(Path.Combine(Fnpipe.RepositoryRoot, "docs/embedding.md"));

        doc.ShouldContain(Between(source).Trim());
    }

    private static string Between(string text)
    {
        var start = text.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        return text[start..text.IndexOf(End, StringComparison.Ordinal)];
    }
}
