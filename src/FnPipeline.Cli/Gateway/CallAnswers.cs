using FnPipeline.Cli.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// How a call's answer goes out: the whole result or a refusal written (<see cref="GatewayResponses"/>), a cut stream
/// aborted, a caller who left noted; each one logged and counted once in <see cref="GatewayMetrics"/>. One per gateway,
/// shared by every request (it holds no per-call state).
/// </summary>
internal sealed class CallAnswers(GatewaySettings settings, GatewayMetrics metrics, TimeProvider time, ILogger<FunctionEndpoints> logger)
{
    public string TooLarge() => $"Request body too large: the limit is {settings.MaxRequestBytes} bytes";

    public Task WriteAsync(HttpContext context, string route, string name, FunctionDefinition function, InvocationResult result, TimeSpan total, bool trigger) =>
        WriteAsync(context, route, name, function, result, result.Output, total, trigger);

    /// <summary>A whole answer: the call's status, headers and <paramref name="output"/>; nothing when the caller left.</summary>
    public async Task WriteAsync(HttpContext context, string route, string name, FunctionDefinition function, InvocationResult result, ReadOnlyMemory<byte> output, TimeSpan total, bool trigger)
    {
        if (result.Status == InvocationStatus.Cancelled && context.RequestAborted.IsCancellationRequested)
        {
            // The caller has gone: nobody to answer (Fn logged 499).
            metrics.Request(route, StatusCodes.Status499ClientClosedRequest);
            if (logger.IsEnabled(LogLevel.Information))
            {
                GatewayLog.ClientDisconnected(logger, context.Request.Method, context.Request.Path.Value ?? "", name, result.CallId, total.TotalMilliseconds);
            }

            return;
        }

        var response = context.Response;
        if (trigger && function.Format == FunctionFormat.HttpStream)
        {
            await GatewayResponses.WriteTriggerResultAsync(response, result, output, total, settings.RetryAfterSeconds, settings.ErrorStderrBytes, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            await GatewayResponses.WriteResultAsync(response, result, output, total, settings.RetryAfterSeconds, settings.ErrorStderrBytes, context.RequestAborted).ConfigureAwait(false);
        }

        Answered(context, route, result.CallId, total, result.Error?.Message ?? "");
    }

    /// <summary>A streamed answer that went out whole: logged and counted with the status its head carried.</summary>
    public void Answered(HttpContext context, string route, string callId, TimeSpan total, string error)
    {
        var statusCode = context.Response.StatusCode;
        metrics.Request(route, statusCode);
        var level = GatewayLog.AnsweredLevel(statusCode);
        if (logger.IsEnabled(level))
        {
            GatewayLog.CallAnswered(logger, level, context.Request.Method, context.Request.Path.Value ?? "", statusCode, callId, total.TotalMilliseconds, error);
        }
    }

    /// <summary>The call was refused or failed before it produced anything: the error's status and message.</summary>
    public async Task FailAsync(HttpContext context, string route, int statusCode, string message)
    {
        metrics.Request(route, statusCode);
        if (logger.IsEnabled(LogLevel.Information))
        {
            GatewayLog.Refused(logger, context.Request.Method, context.Request.Path.Value ?? "", statusCode, message);
        }

        await GatewayResponses.WriteErrorAsync(context.Response, statusCode, message, settings.RetryAfterSeconds, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A failure after the head went out: the client gets a cut response, the call is logged and counted failed.</summary>
    public void Abort(HttpContext context, string route, string name, string callId, int statusCode, string reason, long started)
    {
        context.Abort();
        metrics.Request(route, statusCode);
        GatewayLog.StreamAborted(logger, context.Request.Method, context.Request.Path.Value ?? "", name, callId, statusCode, time.GetElapsedTime(started).TotalMilliseconds, reason);
    }

    /// <summary>The caller went away before its answer: counted as 499, logged at Information.</summary>
    public void ClientGone(HttpContext context, string route, string name, string callId, long started)
    {
        metrics.Request(route, StatusCodes.Status499ClientClosedRequest);
        var elapsed = time.GetElapsedTime(started);
        if (logger.IsEnabled(LogLevel.Information))
        {
            GatewayLog.ClientDisconnected(logger, context.Request.Method, context.Request.Path.Value ?? "", name, callId, elapsed.TotalMilliseconds);
        }
    }
}
