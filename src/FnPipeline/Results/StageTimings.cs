namespace FnPipeline;

/// <summary>
/// Where a call's time went, per stage, the same for both lanes. Stages a call did not reach stay zero. Every figure
/// but <see cref="Cleanup"/> is final when the result reaches the caller.
/// </summary>
public sealed class StageTimings
{
    // The recorder's state (cold calls and hot launches): the stage the time is counted against now, and since when.
    // A lock, because a timeout's snapshot runs on a timer while a stage moves on; created only by Begin, so a hot
    // call on an idle container (which never records stages this way) does not allocate it.
    private Lock? _gate;
    private TimingStage _current = TimingStage.Stopped;
    private long _since;
    private long _cleanupTicks = -1;

    /// <summary>
    /// Waiting: to enter the pipeline, between stages, for a stage's parallelism bound, for a container slot (hot: for
    /// a container, a limit, or the stage bounds of the call's own launch). Everything outside the other stages.
    /// </summary>
    public TimeSpan Queue { get; internal set; }

    /// <summary>ensure-image: inspect and, when missing, pull.</summary>
    public TimeSpan Image { get; internal set; }

    /// <summary>create-container.</summary>
    public TimeSpan Create { get; internal set; }

    /// <summary>attach-and-start: until the engine's start returned.</summary>
    public TimeSpan AttachStart { get; internal set; }

    /// <summary>Hot only: from the engine's start returning until the container's socket was ready (zero for cold calls).</summary>
    public TimeSpan SocketWait { get; internal set; }

    /// <summary>From start until the container exited and its output was read (hot: the request round trip).</summary>
    public TimeSpan Run { get; internal set; }

    /// <summary>
    /// cleanup: force removal. The one figure set after the caller got the result (the removal runs after the answer);
    /// <c>null</c> until then, and for hot calls.
    /// </summary>
    public TimeSpan? Cleanup
    {
        get => Volatile.Read(ref _cleanupTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;
        internal set => Volatile.Write(ref _cleanupTicks, value is { } v ? v.Ticks : -1);
    }

    /// <summary>A copy, for a result delivered while the call's own timings still change.</summary>
    internal StageTimings Copy() => new()
    {
        Queue = Queue,
        Image = Image,
        Create = Create,
        AttachStart = AttachStart,
        SocketWait = SocketWait,
        Run = Run,
        Cleanup = Cleanup,
    };

    /// <summary>Starts recording at <paramref name="timestamp"/>: the time counts as queue until a stage is entered.</summary>
    internal void Begin(long timestamp)
    {
        _gate ??= new Lock();
        lock (_gate)
        {
            _current = TimingStage.Queue;
            _since = timestamp;
        }
    }

    /// <summary>The time since the last switch goes to the stage the call was in; from now on it counts for <paramref name="stage"/>.</summary>
    /// <returns>The time of the stage just closed (zero when recording has stopped or never began).</returns>
    internal TimeSpan Enter(TimingStage stage, long timestamp, TimeProvider time)
    {
        if (_gate is null)
        {
            return TimeSpan.Zero;
        }

        lock (_gate)
        {
            if (_current == TimingStage.Stopped)
            {
                return TimeSpan.Zero;
            }

            var elapsed = time.GetElapsedTime(_since, timestamp);
            Add(_current, elapsed);
            _current = stage;
            _since = timestamp;
            return elapsed;
        }
    }

    /// <summary>Closes the current stage; the time from now on is queue again.</summary>
    internal TimeSpan Leave(long timestamp, TimeProvider time) => Enter(TimingStage.Queue, timestamp, time);

    /// <summary>Closes the current stage and stops recording: the figures are final (a second call does nothing).</summary>
    internal void Stop(long timestamp, TimeProvider time) => Enter(TimingStage.Stopped, timestamp, time);

    /// <summary>The figures as of <paramref name="timestamp"/>, the running stage's time included; the recording goes on.</summary>
    internal StageTimings Snapshot(long timestamp, TimeProvider time)
    {
        if (_gate is null)
        {
            return Copy();
        }

        lock (_gate)
        {
            var copy = Copy();
            if (_current != TimingStage.Stopped)
            {
                copy.Add(_current, time.GetElapsedTime(_since, timestamp));
            }

            return copy;
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"queue={Queue.TotalMilliseconds:F1}ms image={Image.TotalMilliseconds:F1}ms create={Create.TotalMilliseconds:F1}ms " +
        $"start={AttachStart.TotalMilliseconds:F1}ms socket={SocketWait.TotalMilliseconds:F1}ms run={Run.TotalMilliseconds:F1}ms " +
        $"cleanup={(Cleanup is { } c ? $"{c.TotalMilliseconds:F1}ms" : "pending")}";

    private void Add(TimingStage stage, TimeSpan elapsed)
    {
        switch (stage)
        {
            case TimingStage.Queue:
                Queue += elapsed;
                break;
            case TimingStage.Image:
                Image += elapsed;
                break;
            case TimingStage.Create:
                Create += elapsed;
                break;
            case TimingStage.Start:
                AttachStart += elapsed;
                break;
            case TimingStage.SocketWait:
                SocketWait += elapsed;
                break;
            case TimingStage.Run:
                Run += elapsed;
                break;
        }
    }
}

/// <summary>The stages a call's time is counted against (<see cref="StageTimings"/>).</summary>
internal enum TimingStage
{
    Stopped,
    Queue,
    Image,
    Create,
    Start,
    SocketWait,
    Run,
}
