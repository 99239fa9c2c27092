using System.Diagnostics;
using FnPipeline.Cli.Functions;
using FnPipeline.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// <c>POST /invoke/{name}</c> and the HTTP trigger <c>/t/{name}/{**path}</c>: find the function, read the body (up to the
/// limit), run the call, answer with its output or the error's status. The contract's statuses: 400 invalid call,
/// 404 unknown function, 413 body too large, 502 function failed, 503 too busy (with Retry-After), 504 timed out.
/// </summary>
internal sealed class FunctionEndpoints(
    IFnExecutor executor,
    FunctionsFile functions,
    GatewaySettings settings,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger<FunctionEndpoints> logger)
{
    // The executor sets these itself; the rest of the caller's headers go to http-stream functions.
    private static readonly HashSet<string> DroppedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Expect", FnHeaderNames.CallId, FnHeaderNames.Deadline,
    };

    public Task InvokeAsync(HttpContext context, string name)
    {
        if (HttpMethods.IsPost(context.Request.Method))
        {
            return RunAsync(context, name, trigger: false);
        }

        context.Response.Headers.Allow = "POST";
        return FailAsync(context, "invoke", StatusCodes.Status405MethodNotAllowed, $"Use POST to invoke a function ({context.Request.Method} {context.Request.Path})");
    }

    public Task TriggerAsync(HttpContext context, string name) => RunAsync(context, name, trigger: true);

    private async Task RunAsync(HttpContext context, string name, bool trigger)
    {
        var route = trigger ? "trigger" : "invoke";
        var cancellationToken = context.RequestAborted;
        var started = time.GetTimestamp();
        if (functions.Find(name) is not { } function)
        {
            await FailAsync(context, route, StatusCodes.Status404NotFound, $"Function '{name}' not found: {Path.GetFileName(functions.Path)} defines {Names()}").ConfigureAwait(false);
            return;
        }

        using var body = await RequestBody.ReadAsync(context.Request, settings.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            await FailAsync(context, route, StatusCodes.Status413PayloadTooLarge, $"Request body too large: the limit is {settings.MaxRequestBytes} bytes").ConfigureAwait(false);
            return;
        }

        var call = function.ToCall(functions.App, CallInput.FromBytes(body.Memory), Headers(context.Request, function, trigger));

        // The gateway names the call, so that a call whose client disconnects is logged with its id.
        call = call with { CallId = Guid.CreateVersion7().ToString("N") };
        InvocationResult result;
        try
        {
            result = await executor.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidFunctionCallException e)
        {
            await FailAsync(context, route, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
            return;
        }
        catch (FnConfigurationException e)
        {
            // The host's registry credentials are unusable (malformed config.json, failing helper): the gateway's fault.
            GatewayLog.ConfigurationFailed(logger, name, e.Message);
            await FailAsync(context, route, StatusCodes.Status500InternalServerError, $"Configuration error: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (FnEngineException e)
        {
            GatewayLog.EngineFailed(logger, name, e);
            await FailAsync(context, route, FnEngineException.StatusCode, $"Engine failure: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            metrics.Request(route, StatusCodes.Status499ClientClosedRequest);
            var elapsed = time.GetElapsedTime(started);
            if (logger.IsEnabled(LogLevel.Information))
            {
                GatewayLog.ClientDisconnected(logger, context.Request.Method, context.Request.Path.Value ?? "", name, call.CallId, elapsed.TotalMilliseconds);
            }

            return;
        }
        catch (ObjectDisposedException)
        {
            // A request that reached Kestrel after the stop began: the executor is draining.
            await FailAsync(context, route, StatusCodes.Status503ServiceUnavailable, "The gateway is shutting down").ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            // Never an empty 500: whatever escaped the executor is answered as documented, with its message.
            GatewayLog.CallFailedUnexpectedly(logger, name, e);
            await FailAsync(context, route, StatusCodes.Status500InternalServerError, $"Internal failure: {e.Message}").ConfigureAwait(false);
            return;
        }

        using (result)
        {
            await WriteAsync(context, route, name, function, result, time.GetElapsedTime(started), trigger).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(HttpContext context, string route, string name, FunctionDefinition function, InvocationResult result, TimeSpan total, bool trigger)
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
            await GatewayResponses.WriteTriggerResultAsync(response, result, total, settings.RetryAfterSeconds, settings.ErrorStderrBytes, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            await GatewayResponses.WriteResultAsync(response, result, total, settings.RetryAfterSeconds, settings.ErrorStderrBytes, context.RequestAborted).ConfigureAwait(false);
        }

        metrics.Request(route, response.StatusCode);
        var level = GatewayLog.AnsweredLevel(response.StatusCode);
        if (logger.IsEnabled(level))
        {
            GatewayLog.CallAnswered(logger, level, context.Request.Method, context.Request.Path.Value ?? "", response.StatusCode, result.CallId, total.TotalMilliseconds, result.Error?.Message ?? "");
        }
    }

    private async Task FailAsync(HttpContext context, string route, int statusCode, string message)
    {
        metrics.Request(route, statusCode);
        if (logger.IsEnabled(LogLevel.Information))
        {
            GatewayLog.Refused(logger, context.Request.Method, context.Request.Path.Value ?? "", statusCode, message);
        }

        await GatewayResponses.WriteErrorAsync(context.Response, statusCode, message, settings.RetryAfterSeconds, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// http-stream: the caller's headers (invoke), or wrapped as <c>Fn-Http-H-*</c> with method and URL (trigger).
    /// Default format: none, the stdin/stdout exchange has no headers.
    /// </summary>
    private static List<KeyValuePair<string, string>> Headers(HttpRequest request, FunctionDefinition function, bool trigger)
    {
        if (function.Format != FunctionFormat.HttpStream)
        {
            return [];
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (headerName, values) in request.Headers)
        {
            if (!DroppedRequestHeaders.Contains(headerName))
            {
                AddValues(headers, headerName, values);
            }
        }

        return trigger ? [.. HttpGatewayMapping.WrapRequest(request.Method, request.GetEncodedUrl(), headers)] : headers;
    }

    private static void AddValues(List<KeyValuePair<string, string>> headers, string name, StringValues values)
    {
        foreach (var value in values)
        {
            headers.Add(new(name, value ?? ""));
        }
    }

    private string Names() =>
        functions.Functions.Count <= 10
            ? string.Join(", ", functions.Functions.Select(f => $"'{f.Name}'"))
            : $"{functions.Functions.Count} functions";
}
