using BenchmarkDotNet.Running;
using FnPipeline.Benchmarks.Infrastructure;
using FnPipeline.Benchmarks.Macro;

namespace FnPipeline.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench</c> runs the short default suite (micro, plus macro when the engine is up);
/// <c>-- --filter '*Hot*'</c> runs any benchmark alone; <c>-- --paired</c> only the interleaved comparisons
/// (<see cref="PairedComparison"/>); <c>-- --hot-start</c> only the new hot container's first call vs bare; <c>-- --fleet</c>
/// the NATS hop of a fleet call (<see cref="Fleet.FleetHopComparison"/>, needs scripts/fleet-up.sh). Reports: <c>bench/results/</c>.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--paired"])
        {
            return PairedComparison.Run(probe: null, Console.Out);
        }

        if (args is ["--hot-start"])
        {
            return PairedComparison.RunHotStart(Console.Out);
        }

        if (args is ["--fleet"])
        {
            return Fleet.FleetHopComparison.Run(Console.Out);
        }

        var arguments = args.Length == 0 ? DefaultSuite.Arguments : args;
        var types = DefaultSuite.RunnableTypes(arguments, Console.Out, out var engine);
        var started = DateTime.UtcNow;
        var summaries = BenchmarkSwitcher.FromTypes(types).Run(arguments, BenchConfig.Create());
        ResultsPublisher.Publish(summaries, started, Console.Out);
        var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));

        // The default suite ends with the interleaved comparisons of the macro targets.
        if (args.Length == 0 && engine is not null)
        {
            failed |= PairedComparison.Run(engine, Console.Out) != 0;
        }

        return failed ? 1 : 0;
    }
}
