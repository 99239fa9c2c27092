using BenchmarkDotNet.Reports;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>Copies this run's reports from BenchmarkDotNet's artifacts folder to <see cref="BenchPaths.ResultsDirectory"/>.</summary>
internal static class ResultsPublisher
{
    private static readonly string[] Patterns = ["*-report-github.md", "*-report-brief.json"];

    public static void Publish(IEnumerable<Summary> summaries, DateTime runStartedUtc, TextWriter output)
    {
        var target = BenchPaths.ResultsDirectory;
        Directory.CreateDirectory(target);
        var copied = 0;
        foreach (var source in summaries.Select(s => s.ResultsDirectoryPath).Where(Directory.Exists).Distinct(StringComparer.Ordinal))
        {
            if (Path.GetFullPath(source) == Path.GetFullPath(target))
            {
                continue;
            }

            foreach (var file in Patterns.SelectMany(p => Directory.EnumerateFiles(source, p)))
            {
                if (File.GetLastWriteTimeUtc(file) >= runStartedUtc.AddSeconds(-1))
                {
                    File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
                    copied++;
                }
            }
        }

        output.WriteLine($"// {copied} report file(s) published to {target}");
    }
}
