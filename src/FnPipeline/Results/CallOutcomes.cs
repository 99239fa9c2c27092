using System.Globalization;
using FnPipeline.Buffers;

namespace FnPipeline;

/// <summary>
/// Every error the executor itself produces, for both lanes, with its kind, status and message in one place. The hot
/// start-up and http-stream errors keep Fn's wording so that existing clients recognise them.
/// </summary>
internal static class CallOutcomes
{
    private const string FdkAdvice = "please ensure you are using the latest fdk and check the logs";

    /// <summary>The function a message is about, as its caller knows it: its name (when the call has one) and its image.</summary>
    public static string Subject(FunctionCall call) =>
        string.IsNullOrEmpty(call.FunctionName) ? $"image '{call.Image}'" : $"function '{call.FunctionName}' (image '{call.Image}')";

    // Both lanes.
    public static FnError TooBusy(string reason) => new(FnErrorKind.TooBusy, 503, $"Timed out - server too busy: {reason}");

    public static FnError ShuttingDown() => new(FnErrorKind.ShuttingDown, 503, "The executor is shutting down");

    public static FnError Cancelled() => new(FnErrorKind.Cancelled, 499, "The call was cancelled by its caller");

    public static FnError Timeout(TimeSpan timeout) =>
        new(FnErrorKind.Timeout, 504, $"Timed out: the call ran longer than its timeout of {timeout.TotalSeconds:0.###} s");

    /// <summary>The container did not start within the start bound; the message says where the time went.</summary>
    public static FnError StartTimedOut(TimeSpan startTimeout, StageTimings timings) =>
        new(FnErrorKind.StartTimeout, 504,
            $"Timed out: the container did not start within {startTimeout.TotalSeconds:0.###} s ({Stages(timings)}); the function did not run");

    public static FnError OutOfMemory(long memoryMB) =>
        new(FnErrorKind.OutOfMemory, 502, $"container out of memory (limit {memoryMB} MB); you may want to raise the call's MemoryMB");

    // Cold (default format).
    public static FnError ExitCode(long code) => new(FnErrorKind.ContainerExit, 502, $"container exit code {code}");

    public static FnError OutputTooLarge(long maxBytes) =>
        new(FnErrorKind.OutputTooLarge, 502, $"function output exceeded the maximum output size of {maxBytes} bytes");

    // Hot start-up.

    /// <summary>No socket within <c>Hot.StartTimeout</c> of the engine's start returning; the launch's stages say where the rest went.</summary>
    public static FnError InitTimedOut(TimeSpan startTimeout, StageTimings timings) =>
        new(FnErrorKind.ContainerInitTimeout, 504,
            $"container initialization timed out: no socket after {startTimeout.TotalSeconds:0.###} s from the container's start " +
            $"({Stages(timings)}), {FdkAdvice}");

    public static FnError InitFailed(string reason) =>
        new(FnErrorKind.ContainerInitFailed, 502, $"container failed to initialize: {reason}, {FdkAdvice}");

    public static FnError InitExited(long exitCode, bool oomKilled, long memoryMB, string stderrTail)
    {
        var reason = oomKilled
            ? $"container ran out of memory (limit {memoryMB} MB) before it opened its socket"
            : $"container exit code {exitCode} before it opened its socket";
        return InitFailed(stderrTail.Length == 0 ? reason : $"{reason}; last stderr: {stderrTail}");
    }

    // Hot http-stream exchange.
    public static FnError FunctionFailed() => new(FnErrorKind.FunctionFailed, 502, "function failed");

    public static FnError FunctionTimedOut() =>
        new(FnErrorKind.Timeout, 504, "Timed out: the function reported its own timeout (status 504)");

    public static FnError InvalidStatus(int statusCode) =>
        new(FnErrorKind.InvalidFunctionResponse, 502,
            $"invalid function response: status {statusCode} (the contract allows 200, 502 and 504); the container was replaced");

    public static FnError ResponseTooLarge(long maxBytes) =>
        new(FnErrorKind.OutputTooLarge, 502, $"function response body too large: more than the maximum of {maxBytes} bytes");

    public static FnError HeadersTooLarge(int maxBytes) =>
        new(FnErrorKind.InvalidFunctionResponse, 502, $"function response header too large: more than the maximum of {maxBytes} bytes");

    public static FnError ReceiveFailed(string detail) =>
        new(FnErrorKind.InvalidFunctionResponse, 502, $"error receiving function response: {detail}");

    /// <summary>Creates a result with no output.</summary>
    public static InvocationResult Result(string callId, InvocationStatus status, FnError? error, StageTimings? timings = null) =>
        new(callId, status, error, output: null, timings ?? new StageTimings());

    public static InvocationResult Result(
        string callId, InvocationStatus status, FnError? error, PooledOutputBuffer? output, StageTimings timings) =>
        new(callId, status, error, output, timings);

    /// <summary>"queue 1.2 s, image 0.0 s, create 3.1 s, start 0.4 s" and, when the call waited for a socket, "socket wait 5.0 s".</summary>
    private static string Stages(StageTimings timings)
    {
        var stages = $"queue {Seconds(timings.Queue)} s, image {Seconds(timings.Image)} s, create {Seconds(timings.Create)} s, " +
            $"start {Seconds(timings.AttachStart)} s";
        return timings.SocketWait > TimeSpan.Zero ? $"{stages}, socket wait {Seconds(timings.SocketWait)} s" : stages;
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture);
}
