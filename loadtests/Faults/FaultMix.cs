namespace FnPipeline.LoadTests.Faults;

/// <summary>
/// The storm's bounded, deterministic mix. Calls alternate lanes (odd sequence numbers cold, even hot); within a lane a
/// cycle of ten calls is half echoes and one of each fault, so every block of 20 calls holds each fault once per lane
/// and 60 calls hold three of each.
/// </summary>
internal static class FaultMix
{
    private static readonly FaultKind[] Cycle =
    [
        FaultKind.Echo, FaultKind.Timeout, FaultKind.Echo, FaultKind.Exit, FaultKind.Echo,
        FaultKind.OutOfMemory, FaultKind.Echo, FaultKind.Disconnect, FaultKind.Echo, FaultKind.Kill,
    ];

    /// <summary>The kind and lane of call <paramref name="sequence"/> (1-based).</summary>
    public static (FaultKind Kind, Lane Lane) Of(long sequence) =>
        (Cycle[(int)((sequence - 1) / 2 % Cycle.Length)], sequence % 2 == 1 ? Lane.Cold : Lane.Hot);

    /// <summary>When a disconnect call's caller cancels: 0.2 to 1.4 s after the call starts, spread over the stages.</summary>
    public static TimeSpan DisconnectAfter(long sequence) => TimeSpan.FromMilliseconds(200 + (sequence * 373 % 1200));
}
