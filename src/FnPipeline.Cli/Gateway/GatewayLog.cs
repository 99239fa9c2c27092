using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Gateway;

/// <summary>The gateway's log events (ids 500–599; the library uses 1–399).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 500, EventName = "GatewayListening", Level = LogLevel.Information,
        Message = "Gateway listening on {Addresses} with {FunctionCount} function(s) from {FunctionsFile}")]
    public static partial void Listening(ILogger logger, string addresses, int functionCount, string functionsFile);

    /// <summary>
    /// One line per answered call: Information for a failed call (status 400 and up), Debug for a successful one. A
    /// console line per success cost about a quarter of the gateway's CPU at a few thousand calls/s (docs/performance.md).
    /// </summary>
    [LoggerMessage(EventId = 501, EventName = "CallAnswered",
        Message = "{Method} {Path} -> {StatusCode} (call {CallId}, {ElapsedMs:F1} ms) {Error}")]
    public static partial void CallAnswered(ILogger logger, LogLevel level, string method, string path, int statusCode, string callId, double elapsedMs, string? error);

    /// <summary>The level of a call's <see cref="CallAnswered"/> line.</summary>
    public static LogLevel AnsweredLevel(int statusCode) => statusCode >= 400 ? LogLevel.Information : LogLevel.Debug;

    [LoggerMessage(EventId = 502, EventName = "RequestRefused", Level = LogLevel.Information,
        Message = "{Method} {Path} -> {StatusCode}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, int statusCode, string reason);

    [LoggerMessage(EventId = 503, EventName = "EngineFailed", Level = LogLevel.Error,
        Message = "Engine failure while calling function {Function}")]
    public static partial void EngineFailed(ILogger logger, string function, Exception exception);

    [LoggerMessage(EventId = 510, EventName = "ConfigurationFailed", Level = LogLevel.Error,
        Message = "Registry credential configuration failed a call of function {Function}: {Problem}")]
    public static partial void ConfigurationFailed(ILogger logger, string function, string problem);

    [LoggerMessage(EventId = 509, EventName = "CallFailedUnexpectedly", Level = LogLevel.Error,
        Message = "Calling function {Function} failed unexpectedly")]
    public static partial void CallFailedUnexpectedly(ILogger logger, string function, Exception exception);

    [LoggerMessage(EventId = 520, EventName = "ClientDisconnected", Level = LogLevel.Information,
        Message = "{Method} {Path} -> 499 client disconnected (function {Function}, call {CallId}, {ElapsedMs:F1} ms); the call was cancelled")]
    public static partial void ClientDisconnected(ILogger logger, string method, string path, string function, string callId, double elapsedMs);

    [LoggerMessage(EventId = 504, EventName = "GatewayStopping", Level = LogLevel.Information,
        Message = "Gateway stopping: draining in-flight calls and removing containers")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 521, EventName = "StreamAborted", Level = LogLevel.Warning,
        Message = "{Method} {Path} -> connection aborted: function {Function}, call {CallId} failed after its output began ({StatusCode}, {ElapsedMs:F1} ms): {Error}")]
    public static partial void StreamAborted(ILogger logger, string method, string path, string function, string callId, int statusCode, double elapsedMs, string error);

    [LoggerMessage(EventId = 530, EventName = "WarmedUp", Level = LogLevel.Information,
        Message = "Warm-up ({Mode}) done in {ElapsedMs:F0} ms: {Requests} gateway request(s), {CallsSucceeded} of {Calls} function call(s) answered 2xx, {RepeatCalls} repeat call(s)")]
    public static partial void WarmedUp(ILogger logger, WarmUpMode mode, double elapsedMs, int requests, int callsSucceeded, int calls, int repeatCalls);

    [LoggerMessage(EventId = 531, EventName = "WarmUpCallFailed", Level = LogLevel.Warning,
        Message = "Warm-up call of function {Function} (empty body) answered {StatusCode}; its first container may not be ready")]
    public static partial void WarmUpCallFailed(ILogger logger, string function, int statusCode);

    [LoggerMessage(EventId = 532, EventName = "WarmUpSkipped", Level = LogLevel.Information,
        Message = "Warm-up ({Mode}) skipped: no http address to reach from this host among {Addresses}")]
    public static partial void WarmUpSkipped(ILogger logger, WarmUpMode mode, IReadOnlyList<string> addresses);

    [LoggerMessage(EventId = 533, EventName = "WarmUpFailed", Level = LogLevel.Warning,
        Message = "Warm-up ({Mode}) stopped: a request to {Address} failed ({Problem}); serving without it")]
    public static partial void WarmUpFailed(ILogger logger, WarmUpMode mode, string address, string problem);
}
