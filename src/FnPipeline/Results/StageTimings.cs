namespace FnPipeline;

/// <summary>Where a call's time went, per pipeline stage. Stages a call did not reach stay zero.</summary>
public sealed class StageTimings
{
    /// <summary>
    /// Waiting for a place in the pipeline (or, hot, for a container). In the result of a start timeout it is all the
    /// time spent outside the other stages (waiting for a stage, a worker or a container slot).
    /// </summary>
    public TimeSpan Queue { get; internal set; }

    /// <summary>ensure-image: inspect and, when missing, pull.</summary>
    public TimeSpan Image { get; internal set; }

    /// <summary>create-container.</summary>
    public TimeSpan Create { get; internal set; }

    /// <summary>attach-and-start (hot: start until the socket is ready).</summary>
    public TimeSpan AttachStart { get; internal set; }

    /// <summary>From start until the container exited and its output was read (hot: the request round trip).</summary>
    public TimeSpan Run { get; internal set; }

    /// <summary>cleanup: force removal. Set when cleanup finishes, which may be after the caller got the result.</summary>
    public TimeSpan? Cleanup { get; internal set; }

    /// <summary>A copy, for a result delivered while the call's own timings still change.</summary>
    internal StageTimings Copy() => (StageTimings)MemberwiseClone();

    /// <inheritdoc />
    public override string ToString() =>
        $"queue={Queue.TotalMilliseconds:F1}ms image={Image.TotalMilliseconds:F1}ms create={Create.TotalMilliseconds:F1}ms " +
        $"start={AttachStart.TotalMilliseconds:F1}ms run={Run.TotalMilliseconds:F1}ms cleanup={(Cleanup is { } c ? $"{c.TotalMilliseconds:F1}ms" : "pending")}";
}
