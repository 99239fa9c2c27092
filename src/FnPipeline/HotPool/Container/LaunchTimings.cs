namespace FnPipeline.HotPool;

/// <summary>Where a launch's time went; copied into the timings of the call that launched the container.</summary>
internal sealed class LaunchTimings
{
    private long _stageStartedAt;
    private LaunchStage _stage;

    public TimeSpan Image { get; set; }

    public TimeSpan Create { get; set; }

    /// <summary>From start until the socket was ready.</summary>
    public TimeSpan Start { get; set; }

    public TimeSpan Total => Image + Create + Start;

    /// <summary>Marks the stage the launch is in now (for a caller that stops waiting during it).</summary>
    public void Enter(LaunchStage stage, long timestamp)
    {
        Volatile.Write(ref _stageStartedAt, timestamp);
        _stage = stage;
    }

    /// <summary>The timings so far, the running stage's time included.</summary>
    public LaunchTimings Snapshot(TimeProvider time)
    {
        var copy = new LaunchTimings { Image = Image, Create = Create, Start = Start };
        var running = time.GetElapsedTime(Volatile.Read(ref _stageStartedAt));
        switch (_stage)
        {
            case LaunchStage.Image:
                copy.Image = running;
                break;
            case LaunchStage.Create:
                copy.Create = running;
                break;
            case LaunchStage.Start:
                copy.Start = running;
                break;
        }

        return copy;
    }
}

/// <summary>The stages of a hot launch.</summary>
internal enum LaunchStage
{
    None,
    Image,
    Create,
    Start,
}
