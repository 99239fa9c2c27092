namespace FnPipeline.LoadTests.Faults;

/// <summary>
/// What each kind of call must end in, and its bound: the longest it may take before it counts as a hang.
/// </summary>
internal static class FaultExpectations
{
    public const string Success = "200 Success";
    public const string WrongOutput = "wrong output";
    public const string CallerCancelled = "caller cancelled (OperationCanceledException)";
    public const string NoAnswer = "no answer (hang)";
    public const string RunStopped = "client cancelled (run stopped)";

    /// <summary>
    /// An OOM kill the executor saw as a plain exit 137 (SIGKILL): the engine's <c>OOMKilled</c> flag was false when it
    /// read the exit (1 of 50 cold and 4 of 50 hot OOM calls in a 1,000-call run).
    /// </summary>
    private const string OomUnflagged = "502 ContainerExit or InvalidFunctionResponse with exit code 137";

    /// <summary>Whether a call of this kind and lane answered <paramref name="status"/> (with <paramref name="note"/>) as it should.</summary>
    public static bool Accepts(FaultKind kind, Lane lane, string status, string? note) =>
        Statuses(kind, lane).Contains(status) || (kind == FaultKind.OutOfMemory && IsExit137(lane, status, note));

    private static bool IsExit137(Lane lane, string status, string? note) => note is not null && (lane == Lane.Cold
        ? status == "502 ContainerExit" && note.EndsWith("exit code 137", StringComparison.Ordinal)
        : status == "502 InvalidFunctionResponse" && note.Contains("exited with code 137", StringComparison.Ordinal));

    /// <summary>The statuses a call of this kind and lane may be answered with.</summary>
    public static IReadOnlyList<string> Statuses(FaultKind kind, Lane lane) => kind switch
    {
        FaultKind.Echo => [Success],
        FaultKind.Timeout => ["504 Timeout"],
        // A hot container that dies mid-call drops the connection: "the container exited with code N during the call".
        FaultKind.Exit => lane == Lane.Cold ? ["502 ContainerExit"] : ["502 InvalidFunctionResponse"],
        FaultKind.OutOfMemory => ["502 OutOfMemory", OomUnflagged],
        FaultKind.Disconnect => ["499 Cancelled", CallerCancelled],
        FaultKind.Kill => lane == Lane.Cold ? ["502 ContainerExit"] : ["502 InvalidFunctionResponse"],
        _ => [],
    };

    /// <summary>
    /// A call's worst case. Disconnects: the cancel time plus <paramref name="slack"/> (the caller asked to stop).
    /// Others: the call's timeout, plus <paramref name="startBound"/> for getting to a running function (queue,
    /// image, create, start, socket), plus <paramref name="slack"/> for answering and the loaded machine.
    /// </summary>
    public static TimeSpan BoundOf(FaultKind kind, TimeSpan? cancelAfter, TimeSpan startBound, TimeSpan slack) =>
        kind == FaultKind.Disconnect && cancelAfter is { } cancel
            ? cancel + slack
            : FaultCalls.TimeoutOf(kind) + startBound + slack;
}
