namespace FnPipeline.HotPool;

/// <summary>A container being started for a waiting caller, with the timings of the stages it went through.</summary>
internal sealed class Launch
{
    public Task<HotContainer> Task { get; set; } = null!;

    public LaunchTimings Timings { get; } = new();

    public required FunctionPool Pool { get; init; }
}
