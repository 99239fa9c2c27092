using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Gateway;

/// <summary>Log messages of the fleet's front door (<c>fnpipe serve --nats</c>). Event ids 540-549.</summary>
internal static partial class FrontDoorLog
{
    [LoggerMessage(EventId = 540, EventName = "FrontDoorStarted", Level = LogLevel.Information,
        Message = "Front door of fleet {Fleet} on NATS {Url}: calls go to the fleet's nodes")]
    public static partial void Started(ILogger logger, string fleet, string url);

    [LoggerMessage(EventId = 541, EventName = "FrontDoorNatsUnreachable", Level = LogLevel.Warning,
        Message = "NATS is unreachable at start ({Problem}); calls are answered 503 until it answers, and the gateway connects then on its own")]
    public static partial void NatsUnreachable(ILogger logger, string problem);

    [LoggerMessage(EventId = 542, EventName = "DetachedAccepted", Level = LogLevel.Debug,
        Message = "Detached call {CallId} of {Function} accepted by the fleet")]
    public static partial void DetachedAccepted(ILogger logger, string function, string callId);
}
