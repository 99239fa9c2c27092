using Microsoft.Extensions.Logging;

namespace FnPipeline.Diagnostics;

/// <summary>
/// What functions write to stdout/stderr, logged under a category of its own (<see cref="Category"/>) at Information,
/// so that operators see it without the executor's Debug output. Event ids 350-359.
/// </summary>
internal static partial class FunctionLog
{
    /// <summary>The log category of function output (docs/operations.md, "Function logs").</summary>
    public const string Category = "FnPipeline.Function";

    [LoggerMessage(350, LogLevel.Information, "[{Function} {ContainerId} {Stream}] {Line}", EventName = "FunctionOutput")]
    public static partial void Output(ILogger logger, string function, string containerId, string stream, string line);

    [LoggerMessage(351, LogLevel.Information, "[{Function} {ContainerId} {Stream} call {CallId}] {Line}", EventName = "FunctionCallOutput")]
    public static partial void CallOutput(ILogger logger, string function, string containerId, string stream, string callId, string line);

    [LoggerMessage(352, LogLevel.Warning, "{Count} lines of function {Function} (container {ContainerId}) were dropped by the log rate limit of {LinesPerSecond} lines/s (burst {Burst})", EventName = "FunctionOutputDropped")]
    public static partial void Dropped(ILogger logger, long count, string function, string containerId, int linesPerSecond, int burst);

    [LoggerMessage(353, LogLevel.Information, "Call {CallId} of function {Function} was cancelled by its caller after {ElapsedMs:F0} ms", EventName = "CallCancelled")]
    public static partial void CallCancelled(ILogger logger, string callId, string function, double elapsedMs);

    /// <summary>The name logs give a function: the caller's function name where it gives one, else the image.</summary>
    public static string FunctionLabel(FunctionCall call) => call.FunctionName.Length > 0 ? call.FunctionName : call.Image;

    /// <summary>Container ids in logs: the engine's 12-digit short form.</summary>
    public static string ShortId(string? containerId) =>
        containerId is null ? "" : containerId.Length > 12 ? containerId[..12] : containerId;
}
