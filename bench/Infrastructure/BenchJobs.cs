using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>
/// Short jobs for a 2-core machine. In-process: no per-benchmark project build (which costs more than the measurements
/// here), and the benchmarks can use the library's internals.
/// </summary>
internal static class BenchJobs
{
    /// <summary>Microsecond-scale work: 3 warm-up and 15 measured iterations of about 250 ms each.</summary>
    public static Job Micro { get; } = Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(15)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
        .WithId("Micro");

    /// <summary>
    /// Container-scale work (hundreds of milliseconds): no pilot, one invocation per iteration, 2 warm-ups (the first
    /// call of a process pays JIT and first connection) and 15 measured iterations.
    /// </summary>
    public static Job Macro { get; } = Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithStrategy(RunStrategy.Monitoring)
        .WithLaunchCount(1)
        .WithWarmupCount(2)
        .WithIterationCount(15)
        .WithInvocationCount(1)
        .WithUnrollFactor(1)
        .WithId("Macro");

    /// <summary>Throughput batches (several seconds each): 1 warm-up and 5 measured batches.</summary>
    public static Job MacroThroughput { get; } = Macro
        .WithWarmupCount(1)
        .WithIterationCount(5)
        .WithId("MacroBatch");
}

/// <summary>Runs the class with <see cref="BenchJobs.Micro"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class MicroJobAttribute() : JobConfigBaseAttribute(BenchJobs.Micro);

/// <summary>Runs the class with <see cref="BenchJobs.Macro"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class MacroJobAttribute() : JobConfigBaseAttribute(BenchJobs.Macro);

/// <summary>Runs the class with <see cref="BenchJobs.MacroThroughput"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class MacroThroughputJobAttribute() : JobConfigBaseAttribute(BenchJobs.MacroThroughput);
