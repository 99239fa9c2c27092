namespace FnPipeline;

/// <summary>The cold pipeline's bounds, copied from <see cref="FnPipelineOptions"/> by <see cref="ExecutorSettings"/>.</summary>
internal sealed record ColdLaneSettings
{
    public required int MaxQueuedCalls { get; init; }

    public required int MaxContainers { get; init; }

    /// <summary><see cref="FnPipelineOptions.StartTimeout"/>: from submission until the engine's start returned.</summary>
    public required TimeSpan StartTimeout { get; init; }

    public required int ImageParallelism { get; init; }

    public required int CreateParallelism { get; init; }

    public required int StartParallelism { get; init; }

    public required int RunParallelism { get; init; }

    public required int CleanupParallelism { get; init; }

    public required int BufferPerStage { get; init; }

    public static ColdLaneSettings From(FnPipelineOptions options)
    {
        var stages = options.Stages;
        return new ColdLaneSettings
        {
            MaxQueuedCalls = options.MaxQueuedCalls,
            MaxContainers = options.MaxContainers,
            StartTimeout = options.StartTimeout,
            ImageParallelism = stages.ImageParallelism,
            CreateParallelism = stages.CreateParallelism,
            StartParallelism = stages.StartParallelism,
            RunParallelism = stages.RunParallelism,
            CleanupParallelism = stages.CleanupParallelism,
            BufferPerStage = stages.BufferPerStage,
        };
    }
}
