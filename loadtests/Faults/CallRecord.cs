namespace FnPipeline.LoadTests.Faults;

/// <summary>One storm call as it went: what it was, how it was answered, and whether that was expected and in time.</summary>
/// <param name="StartedSeconds">When the call started, since the storm's start.</param>
/// <param name="LatencyMs">From the call's start to its answer (or to giving up on it, for a hang without answer).</param>
/// <param name="BoundMs">Its expected worst case: see <see cref="FaultExpectations.BoundOf"/>.</param>
/// <param name="Status">The answer: <c>200 Success</c>, the executor's status and error kind, or what the client saw.</param>
/// <param name="Note">The first words of a failure's message, or what the killer did.</param>
internal sealed record CallRecord(
    long Sequence,
    FaultKind Kind,
    Lane Lane,
    double StartedSeconds,
    double LatencyMs,
    double BoundMs,
    string Status,
    bool AsExpected,
    string? Note)
{
    public double EndedSeconds => StartedSeconds + (LatencyMs / 1000);

    /// <summary>Took longer than its bound, or never answered.</summary>
    public bool Hung => LatencyMs > BoundMs || Status == FaultExpectations.NoAnswer;

    /// <summary>An internal error: status 500 or an exception other than the caller's own cancellation.</summary>
    public bool IsServerError => Status.StartsWith("500", StringComparison.Ordinal) || Status.StartsWith("exception", StringComparison.Ordinal);
}
