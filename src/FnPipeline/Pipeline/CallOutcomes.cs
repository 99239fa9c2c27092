using FnPipeline.Buffers;

namespace FnPipeline.Pipeline;

/// <summary>The errors the executor itself produces, with their statuses and messages in one place.</summary>
internal static class CallOutcomes
{
    public static FnError TooBusy(string reason) => new(FnErrorKind.TooBusy, 503, $"Timed out - server too busy: {reason}");

    /// <summary>The function a message is about, as its caller knows it: its name (when the call has one) and its image.</summary>
    public static string Subject(FunctionCall call) =>
        string.IsNullOrEmpty(call.FunctionName) ? $"image '{call.Image}'" : $"function '{call.FunctionName}' (image '{call.Image}')";

    public static FnError ShuttingDown() => new(FnErrorKind.ShuttingDown, 503, "The executor is shutting down");

    public static FnError Cancelled() => new(FnErrorKind.Cancelled, 499, "The call was cancelled by its caller");

    public static FnError Timeout(TimeSpan timeout) =>
        new(FnErrorKind.Timeout, 504, $"Timed out: the call ran longer than its timeout of {timeout.TotalSeconds:0.###} s");

    /// <summary>The container did not start within the start bound; the message says where the time went.</summary>
    public static FnError StartTimedOut(TimeSpan startTimeout, StageTimings timings) =>
        new(FnErrorKind.StartTimeout, 504,
            $"Timed out: the container did not start within {startTimeout.TotalSeconds:0.###} s (queue {Seconds(timings.Queue)} s, " +
            $"image {Seconds(timings.Image)} s, create {Seconds(timings.Create)} s, start {Seconds(timings.AttachStart)} s); " +
            "the function did not run");

    public static FnError OutOfMemory(long memoryMB) =>
        new(FnErrorKind.OutOfMemory, 502, $"container out of memory (limit {memoryMB} MB); you may want to raise the call's MemoryMB");

    public static FnError ExitCode(long code) => new(FnErrorKind.ContainerExit, 502, $"container exit code {code}");

    public static FnError OutputTooLarge(long maxBytes) =>
        new(FnErrorKind.OutputTooLarge, 502, $"function output exceeded the maximum output size of {maxBytes} bytes");

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Creates a result with no output.</summary>
    public static InvocationResult Result(string callId, InvocationStatus status, FnError? error, StageTimings? timings = null) =>
        new(callId, status, error, output: null, timings ?? new StageTimings());

    public static InvocationResult Result(
        string callId, InvocationStatus status, FnError? error, PooledOutputBuffer? output, StageTimings timings) =>
        new(callId, status, error, output, timings);
}
