namespace FnPipeline.HotPool;

/// <summary>A container being started for a waiting caller, with the timings of the stages it went through.</summary>
internal sealed class Launch
{
    public Task<HotContainer> Task { get; set; } = null!;

    /// <summary>The launch's stages (queue: its waits for the stage bounds); final once <see cref="Task"/> completed.</summary>
    public StageTimings Timings { get; } = new();

    public required FunctionPool Pool { get; init; }
}
