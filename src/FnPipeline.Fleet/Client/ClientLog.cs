using Microsoft.Extensions.Logging;

namespace FnPipeline.Fleet.Client;

/// <summary>Log messages of a fleet client. Event ids 1450-1499.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1450, LogLevel.Warning, "Fleet call {CallId} of {Image}: {Message}", EventName = "FleetUnavailable")]
    public static partial void Unavailable(ILogger logger, string callId, string image, string message);

    [LoggerMessage(1451, LogLevel.Warning, "Fleet call {CallId} of {Image}: node {NodeId} stopped answering", EventName = "FleetNodeLost")]
    public static partial void NodeLost(ILogger logger, string callId, string image, string nodeId);

    [LoggerMessage(1452, LogLevel.Debug, "Fleet call {CallId}: node {NodeId} was busy; trying again", EventName = "FleetNodeBusy")]
    public static partial void Busy(ILogger logger, string callId, string nodeId);

    [LoggerMessage(1454, LogLevel.Information, "Fleet call {CallId}: no node acknowledged it on {Subject} within {AcceptTimeout}; placing it again", EventName = "FleetNotAcknowledged")]
    public static partial void NotAcknowledged(ILogger logger, string callId, string subject, TimeSpan acceptTimeout);

    [LoggerMessage(1455, LogLevel.Debug, "Fleet call {CallId}: accepted by node {NodeId}", EventName = "FleetCallAccepted")]
    public static partial void Accepted(ILogger logger, string callId, string nodeId);

    [LoggerMessage(1453, LogLevel.Warning, "Fleet client: telling node {NodeId} to cancel call {CallId} failed", EventName = "FleetCancelFailed")]
    public static partial void CancelFailed(ILogger logger, string nodeId, string callId, Exception exception);
}
