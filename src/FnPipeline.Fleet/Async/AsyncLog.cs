using Microsoft.Extensions.Logging;

namespace FnPipeline.Fleet.Async;

/// <summary>The asynchronous worker's logs. Event ids 1450-1479.</summary>
internal static partial class AsyncLog
{
    [LoggerMessage(1450, LogLevel.Information, "Fleet node {NodeId} takes asynchronous calls of fleet {Fleet} (stream {Stream}, consumer {Consumer})", EventName = "AsyncWorkerStarted")]
    public static partial void Started(ILogger logger, string nodeId, string fleet, string stream, string consumer);

    [LoggerMessage(1451, LogLevel.Debug, "Fleet node {NodeId} took asynchronous call {CallId} (delivery {Delivery})", EventName = "AsyncCallTaken")]
    public static partial void Taken(ILogger logger, string nodeId, string callId, ulong delivery);

    [LoggerMessage(1452, LogLevel.Information, "Asynchronous call {CallId} stored: {Status} by node {NodeId}", EventName = "AsyncCallStored")]
    public static partial void Stored(ILogger logger, string callId, InvocationStatus status, string nodeId);

    [LoggerMessage(1453, LogLevel.Information, "Asynchronous call {CallId} already has a result; node {NodeId}'s run of it is dropped", EventName = "AsyncCallDuplicate")]
    public static partial void Duplicate(ILogger logger, string callId, string nodeId);

    [LoggerMessage(1454, LogLevel.Warning, "Asynchronous call {CallId}: run {Run} failed ({Error}); retrying in {Delay}", EventName = "AsyncCallRetry")]
    public static partial void Retry(ILogger logger, string callId, int run, string error, TimeSpan delay);

    [LoggerMessage(1455, LogLevel.Warning, "Asynchronous call {CallId}: failed after {Runs} runs ({Error}); the failure is its result", EventName = "AsyncCallGaveUp")]
    public static partial void GaveUp(ILogger logger, string callId, int runs, string error);

    [LoggerMessage(1456, LogLevel.Debug, "Asynchronous call {CallId}: its function is at its in-flight limit of {Limit}; it waits {Delay}", EventName = "AsyncCallLimited")]
    public static partial void Limited(ILogger logger, string callId, int limit, TimeSpan delay);

    [LoggerMessage(1457, LogLevel.Warning, "Fleet node {NodeId}: an asynchronous call message (stream sequence {Sequence}) does not follow the wire contract; it is dropped", EventName = "AsyncCallBadMessage")]
    public static partial void BadMessage(ILogger logger, string nodeId, ulong sequence, Exception exception);

    [LoggerMessage(1458, LogLevel.Warning, "Fleet node {NodeId}: pulling asynchronous calls failed; retrying", EventName = "AsyncPullFailed")]
    public static partial void PullFailed(ILogger logger, string nodeId, Exception exception);

    [LoggerMessage(1459, LogLevel.Warning, "Fleet node {NodeId}: asynchronous call {CallId} could not be completed here; the stream redelivers it", EventName = "AsyncCallFailedHere")]
    public static partial void FailedHere(ILogger logger, string nodeId, string callId, Exception exception);

    [LoggerMessage(1460, LogLevel.Debug, "Asynchronous call {CallId}: callback to {Url} answered {StatusCode}", EventName = "AsyncCallbackDelivered")]
    public static partial void CallbackDelivered(ILogger logger, string callId, string url, int statusCode);

    [LoggerMessage(1461, LogLevel.Warning, "Asynchronous call {CallId}: callback attempt {Attempt} to {Url} failed ({Problem})", EventName = "AsyncCallbackFailed")]
    public static partial void CallbackFailed(ILogger logger, string callId, int attempt, string url, string problem);

    [LoggerMessage(1462, LogLevel.Warning, "Asynchronous call {CallId}: callback to {Url} given up after {Attempts} attempts; the result stays retrievable", EventName = "AsyncCallbackGaveUp")]
    public static partial void CallbackGaveUp(ILogger logger, string callId, string url, int attempts);

    [LoggerMessage(1463, LogLevel.Information, "Fleet node {NodeId} stopped taking asynchronous calls; {Running} still running", EventName = "AsyncWorkerStopping")]
    public static partial void Stopping(ILogger logger, string nodeId, int running);
}
