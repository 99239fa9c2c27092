using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Reports;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>
/// The suite's config: the default columns, loggers and validators, the memory diagnoser on every benchmark, and only
/// the GitHub-markdown and JSON exporters. Jobs come from <see cref="MicroJobAttribute"/> and <see cref="MacroJobAttribute"/>.
/// </summary>
internal static class BenchConfig
{
    public static IConfig Create()
    {
        var defaults = DefaultConfig.Instance;
        return ManualConfig.CreateEmpty()
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median, MedianRatioColumn.Instance)
            .AddLogger(defaults.GetLoggers().ToArray())
            .AddAnalyser(defaults.GetAnalysers().ToArray())
            .AddValidator(defaults.GetValidators().ToArray())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Brief)
            .WithArtifactsPath(BenchPaths.ArtifactsDirectory)
            .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value))
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
