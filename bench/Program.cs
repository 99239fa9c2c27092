using BenchmarkDotNet.Running;
using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench</c> runs the short default suite (micro, plus macro when the engine is up);
/// <c>-- --filter '*Hot*'</c> runs any benchmark alone. Reports: <c>bench/results/</c>.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var arguments = args.Length == 0 ? DefaultSuite.Arguments : args;
        var types = DefaultSuite.RunnableTypes(arguments, Console.Out);
        var started = DateTime.UtcNow;
        var summaries = BenchmarkSwitcher.FromTypes(types).Run(arguments, BenchConfig.Create());
        ResultsPublisher.Publish(summaries, started, Console.Out);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
