using FnPipeline.Lifecycle;
using FnPipeline.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Pipeline.Stages;

/// <summary>
/// cleanup: force-removes the container with its volumes on every path and frees its budget place once the first removal
/// attempt is over (a failed one is retried by the executor's removal queue, which keeps counting the container). Runs after the caller
/// already has its result, so removal time never adds to a call's latency. Never throws.
/// </summary>
internal sealed class CleanupStage(ContainerBudget budget, FnPipelineMetrics metrics, TimeProvider time, ILogger logger)
{
    public const string Name = "cleanup";

    public async Task ExecuteAsync(ColdCallContext context)
    {
        var started = time.GetTimestamp();
        if (context.Container is { } container)
        {
            try
            {
                await container.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                PipelineLog.CleanupFailed(logger, container.Id, context.CallId, ex);
            }
        }

        if (context.HoldsContainerSlot)
        {
            budget.Release();
        }

        var elapsed = time.GetElapsedTime(started);
        context.Timings.Cleanup = elapsed;
        metrics.StageFinished(context.Call, FnPipelineMetrics.CleanupStage, elapsed);
    }
}
