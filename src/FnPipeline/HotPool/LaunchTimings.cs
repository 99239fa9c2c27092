namespace FnPipeline.HotPool;

/// <summary>Where a launch's time went; copied into the timings of the call that launched the container.</summary>
internal sealed class LaunchTimings
{
    public TimeSpan Image { get; set; }

    public TimeSpan Create { get; set; }

    /// <summary>From start until the socket was ready.</summary>
    public TimeSpan Start { get; set; }

    public TimeSpan Total => Image + Create + Start;
}
