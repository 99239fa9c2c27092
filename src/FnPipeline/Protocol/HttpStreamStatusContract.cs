namespace FnPipeline.Protocol;

/// <summary>
/// The FDK status contract (fn 69131420b): 200 is success; 502 means the function failed and 504 that it timed out
/// by its own reckoning, and both keep the container; any other status is an FDK bug and the container is replaced.
/// A body over the cap fails the call and keeps the container only when the rest could be drained.
/// </summary>
internal static class HttpStreamStatusContract
{
    /// <summary>Whether the body of a response with this status is read (otherwise the container is killed unread).</summary>
    public static bool ReadsBody(int statusCode) => statusCode is 200 or 502 or 504;

    public static (InvocationStatus Status, FnError? Error, bool KeepContainer) Map(in HttpStreamResponse response, long maxBodyBytes)
    {
        var drained = response.BodyState != ResponseBodyState.TooLargeNotDrained;
        return response.StatusCode switch
        {
            200 when response.BodyState == ResponseBodyState.Complete => (InvocationStatus.Success, null, true),
            200 => (InvocationStatus.Error, CallOutcomes.ResponseTooLarge(maxBodyBytes), drained),
            502 => (InvocationStatus.Error, CallOutcomes.FunctionFailed(), drained),
            504 => (InvocationStatus.Timeout, CallOutcomes.FunctionTimedOut(), drained),
            _ => (InvocationStatus.Error, CallOutcomes.InvalidStatus(response.StatusCode), false),
        };
    }
}
