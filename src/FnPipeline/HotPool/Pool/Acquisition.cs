namespace FnPipeline.HotPool;

/// <summary>The outcome of asking for a container: one (busy, for this call), or why not.</summary>
/// <param name="Container">The container, when one was obtained.</param>
/// <param name="Status">The call's status when no container was obtained.</param>
/// <param name="Error">Why no container was obtained.</param>
/// <param name="Launch">The timings of the launch, when this call started its container (or gave up waiting for it).</param>
internal readonly record struct Acquisition(HotContainer? Container, InvocationStatus Status, FnError? Error, StageTimings? Launch)
{
    public static Acquisition Got(HotContainer container, StageTimings? launch = null) =>
        new(container, InvocationStatus.Success, null, launch);

    /// <summary>No container; <paramref name="launch"/> is the call's own failed launch, when that is the reason.</summary>
    public static Acquisition Failed(InvocationStatus status, FnError error, StageTimings? launch = null) => new(null, status, error, launch);

    /// <summary>The call's own launch did not finish within the start bound; the dispatcher words the error.</summary>
    public static Acquisition StartTimedOut(StageTimings launch) => new(null, InvocationStatus.Timeout, null, launch);
}
