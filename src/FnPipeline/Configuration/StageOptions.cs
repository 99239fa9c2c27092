using System.ComponentModel.DataAnnotations;

namespace FnPipeline;

/// <summary>
/// Bounded capacity (items held) and parallelism of each Dataflow stage of the cold pipeline. Create and start run 8
/// at once by default: below the number of concurrent callers they become the bottleneck (measured at 8 callers).
/// </summary>
public sealed class StageOptions
{
    /// <summary>ensure-image: inspect/pull in flight at once.</summary>
    [Range(1, 1024)]
    public int ImageParallelism { get; set; } = 8;

    /// <summary>create-container in flight at once.</summary>
    [Range(1, 1024)]
    public int CreateParallelism { get; set; } = 8;

    /// <summary>attach-and-start in flight at once.</summary>
    [Range(1, 1024)]
    public int StartParallelism { get; set; } = 8;

    /// <summary>Containers running (waited on) at once.</summary>
    [Range(1, 10_000)]
    public int RunParallelism { get; set; } = 16;

    /// <summary>Removals in flight at once.</summary>
    [Range(1, 1024)]
    public int CleanupParallelism { get; set; } = 4;

    /// <summary>Items each stage buffers beyond those it processes (its input queue).</summary>
    [Range(1, 100_000)]
    public int BufferPerStage { get; set; } = 4;
}
