using Microsoft.Extensions.Logging;

namespace FnPipeline.Fleet.Node;

/// <summary>Log messages of a fleet node. Event ids 1400-1449.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(1400, LogLevel.Information, "Fleet node {NodeId} joined fleet {Fleet} on {Url}: capacity {Capacity}", EventName = "NodeStarted")]
    public static partial void Started(ILogger logger, string nodeId, string fleet, string url, int capacity);

    [LoggerMessage(1401, LogLevel.Information, "Fleet node {NodeId} draining: {InFlight} calls in flight", EventName = "NodeDraining")]
    public static partial void Draining(ILogger logger, string nodeId, int inFlight);

    [LoggerMessage(1402, LogLevel.Information, "Fleet node {NodeId} stopped", EventName = "NodeStopped")]
    public static partial void Stopped(ILogger logger, string nodeId);

    [LoggerMessage(1403, LogLevel.Warning, "Fleet node {NodeId}: drain timeout of {DrainTimeout} passed; cancelling {InFlight} calls", EventName = "NodeDrainTimedOut")]
    public static partial void DrainTimedOut(ILogger logger, string nodeId, TimeSpan drainTimeout, int inFlight);

    [LoggerMessage(1404, LogLevel.Warning, "Fleet node {NodeId}: a call message on {Subject} does not follow the wire contract", EventName = "NodeBadMessage")]
    public static partial void BadMessage(ILogger logger, string nodeId, string subject, Exception exception);

    [LoggerMessage(1405, LogLevel.Error, "Fleet node {NodeId}: call {CallId} failed on the executor", EventName = "NodeCallFailed")]
    public static partial void CallFailed(ILogger logger, string nodeId, string callId, Exception exception);

    [LoggerMessage(1406, LogLevel.Warning, "Fleet node {NodeId}: publishing to NATS failed ({What})", EventName = "NodePublishFailed")]
    public static partial void PublishFailed(ILogger logger, string nodeId, string what, Exception exception);

    [LoggerMessage(1407, LogLevel.Warning, "Fleet node {NodeId}: updating its subscriptions failed", EventName = "NodeSubscribeFailed")]
    public static partial void SubscribeFailed(ILogger logger, string nodeId, Exception exception);

    [LoggerMessage(1408, LogLevel.Debug, "Fleet node {NodeId} took call {CallId} from {Subject}", EventName = "NodeCallTaken")]
    public static partial void CallTaken(ILogger logger, string nodeId, string callId, string subject);

    [LoggerMessage(1409, LogLevel.Debug, "Fleet node {NodeId} answered busy on {Subject}", EventName = "NodeBusy")]
    public static partial void Busy(ILogger logger, string nodeId, string subject);
}
