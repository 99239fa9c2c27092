using Microsoft.Extensions.Logging;

namespace FnPipeline.Protocol;

/// <summary>Log messages of the http-stream exchange. Event ids 300-399; retired ids stay reserved.</summary>
internal static partial class ProtocolLog
{
    [LoggerMessage(300, LogLevel.Warning, "Call {CallId}: container {Container} answered with status {StatusCode}, outside the http-stream contract (200, 502, 504); replacing it", EventName = "InvalidStatus")]
    public static partial void InvalidStatus(ILogger logger, string callId, string container, int statusCode);

    [LoggerMessage(301, LogLevel.Warning, "Call {CallId}: container {Container} sent a response body over {MaxBytes} bytes; drained: {Drained}", EventName = "ResponseTooLarge")]
    public static partial void ResponseTooLarge(ILogger logger, string callId, string container, long maxBytes, bool drained);

    [LoggerMessage(302, LogLevel.Warning, "Call {CallId}: error receiving the response of container {Container}; replacing it", EventName = "ReceiveFailed")]
    public static partial void ReceiveFailed(ILogger logger, string callId, string container, Exception exception);

    [LoggerMessage(303, LogLevel.Warning, "Call {CallId}: container {Container} sent response headers over {MaxBytes} bytes; replacing it", EventName = "HeadersTooLarge")]
    public static partial void HeadersTooLarge(ILogger logger, string callId, string container, int maxBytes);

    [LoggerMessage(304, LogLevel.Debug, "Call {CallId}: the function in container {Container} reported status {StatusCode}", EventName = "FunctionReportedFailure")]
    public static partial void FunctionReportedFailure(ILogger logger, string callId, string container, int statusCode);

    [LoggerMessage(305, LogLevel.Information, "Call {CallId}: container {Container} answered {StatusCode} before reading the whole request body; the rest was not sent and the connection is closed, the container kept", EventName = "AnsweredBeforeReadingBody")]
    public static partial void AnsweredBeforeReadingBody(ILogger logger, string callId, string container, int statusCode);
}
