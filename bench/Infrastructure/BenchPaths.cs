using System.Reflection;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>Where BenchmarkDotNet works (git-ignored) and where the suite publishes its reports, whatever the working directory.</summary>
internal static class BenchPaths
{
    public static string ProjectDirectory { get; } =
        typeof(BenchPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BenchProjectDirectory")?.Value is { } directory && Directory.Exists(directory)
            ? directory
            : Directory.GetCurrentDirectory();

    public static string ArtifactsDirectory => Path.Combine(ProjectDirectory, "BenchmarkDotNet.Artifacts");

    /// <summary><c>bench/results/</c>: the latest <c>*-report-github.md</c> (committed) and <c>*-report-brief.json</c>.</summary>
    public static string ResultsDirectory => Path.Combine(ProjectDirectory, "results");
}
