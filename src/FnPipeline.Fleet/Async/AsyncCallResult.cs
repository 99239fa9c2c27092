namespace FnPipeline.Fleet.Async;

/// <summary>What the fleet knows of an asynchronous call: <see cref="Completed"/>, <see cref="Pending"/> or <see cref="NotFound"/>.</summary>
public abstract record AsyncCallResult(string CallId)
{
    /// <summary>
    /// The call ran (or failed for good) and its result is stored, by the node <paramref name="NodeId"/>, after
    /// <paramref name="FailedRuns"/> retried runs. Dispose it (or <see cref="Result"/>) when done.
    /// </summary>
    public sealed record Completed(string CallId, InvocationResult Result, string? NodeId, DateTimeOffset? CompletedAt, int FailedRuns)
        : AsyncCallResult(CallId), IDisposable
    {
        /// <summary>Returns the result's pooled output buffer.</summary>
        public void Dispose() => Result.Dispose();
    }

    /// <summary>
    /// The call was accepted and has no result yet: it waits in the stream, runs, or waits to be retried after
    /// <paramref name="FailedRuns"/> failed runs (the last one's error in <paramref name="LastError"/>).
    /// </summary>
    public sealed record Pending(string CallId, DateTimeOffset? SubmittedAt, int FailedRuns, string? LastError)
        : AsyncCallResult(CallId);

    /// <summary>No call with this id was accepted, or its result is older than the retention period.</summary>
    public sealed record NotFound(string CallId) : AsyncCallResult(CallId);
}
