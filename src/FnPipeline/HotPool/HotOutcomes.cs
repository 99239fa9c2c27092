namespace FnPipeline.HotPool;

/// <summary>The start-up errors of hot containers, with Fn's wording (and more detail) in one place.</summary>
internal static class HotOutcomes
{
    private const string Advice = "please ensure you are using the latest fdk and check the logs";

    public static FnError InitTimedOut(TimeSpan startTimeout) =>
        new(FnErrorKind.ContainerInitTimeout, 504,
            $"container initialization timed out: no socket after {startTimeout.TotalSeconds:0.###} s, {Advice}");

    public static FnError InitFailed(string reason) =>
        new(FnErrorKind.ContainerInitFailed, 502, $"container failed to initialize: {reason}, {Advice}");

    public static FnError InitExited(long exitCode, bool oomKilled, long memoryMB, string stderrTail)
    {
        var reason = oomKilled
            ? $"container ran out of memory (limit {memoryMB} MB) before it opened its socket"
            : $"container exit code {exitCode} before it opened its socket";
        return InitFailed(stderrTail.Length == 0 ? reason : $"{reason}; last stderr: {stderrTail}");
    }
}
