namespace FnPipeline.Fleet.Async;

/// <summary>What a caller may ask of one asynchronous call (docs/fleet.md, "Asynchronous calls").</summary>
public sealed record AsyncCallOptions
{
    /// <summary>
    /// An http(s) URL the node POSTs the result to once it is stored (status, headers, body; at least once, retried).
    /// </summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>
    /// Run the call again (with back-off, up to <see cref="FleetAsyncOptions.MaxAttempts"/> runs) when the function
    /// itself fails (non-zero exit, timeout, out of memory, a 5xx answer...). Default: a function's failure is its
    /// result, stored at once; only engine failures are retried.
    /// </summary>
    public bool RetryFunctionFailures { get; init; }

    /// <summary>
    /// The most calls of this function (its function key) that may run at once across the fleet, counting asynchronous
    /// calls only; a call beyond it waits in the stream. <c>null</c>: no limit.
    /// </summary>
    public int? MaxInFlight { get; init; }
}
