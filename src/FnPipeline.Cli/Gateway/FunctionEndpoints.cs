using FnPipeline.Cli.Functions;
using FnPipeline.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

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
    CallAnswers answers,
    StreamingAnswer streaming,
    TimeProvider time,
    ILogger<FunctionEndpoints> logger)
{
    public Task InvokeAsync(HttpContext context, string name)
    {
        if (HttpMethods.IsPost(context.Request.Method))
        {
            return RunAsync(context, name, trigger: false);
        }

        context.Response.Headers.Allow = "POST";
        return answers.FailAsync(context, "invoke", StatusCodes.Status405MethodNotAllowed, $"Use POST to invoke a function ({context.Request.Method} {context.Request.Path})");
    }

    public Task TriggerAsync(HttpContext context, string name) => RunAsync(context, name, trigger: true);

    private async Task RunAsync(HttpContext context, string name, bool trigger)
    {
        var route = trigger ? "trigger" : "invoke";
        var cancellationToken = context.RequestAborted;
        var started = time.GetTimestamp();
        if (functions.Find(name) is not { } function)
        {
            await answers.FailAsync(context, route, StatusCodes.Status404NotFound, $"Function '{name}' not found: {Path.GetFileName(functions.Path)} defines {Names()}").ConfigureAwait(false);
            return;
        }

        if (context.Request.ContentLength is { } declared && declared > settings.MaxRequestBytes)
        {
            await answers.FailAsync(context, route, StatusCodes.Status413PayloadTooLarge, answers.TooLarge()).ConfigureAwait(false);
            return;
        }

        // The body goes into the call as it arrives (stdin of a cold call, the request of a hot one); never held whole.
        var body = new RequestBodyStream(context.Request.Body, settings.MaxRequestBytes);
        var input = context.Request.ContentLength is { } length ? CallInput.FromStream(body, length) : CallInput.FromStream(body);
        var call = function.ToCall(functions.App, input, CallerHeaders.For(context.Request, function, trigger));

        // The gateway names the call, so that a call whose client disconnects is logged with its id.
        call = call with { CallId = Guid.CreateVersion7().ToString("N") };
        StreamingInvocation invocation;
        try
        {
            invocation = await executor.InvokeStreamingAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidFunctionCallException e)
        {
            await answers.FailAsync(context, route, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
            return;
        }
        catch (FnConfigurationException e)
        {
            // The host's registry credentials are unusable (malformed config.json, failing helper): the gateway's fault.
            GatewayLog.ConfigurationFailed(logger, name, e.Message);
            await answers.FailAsync(context, route, StatusCodes.Status500InternalServerError, $"Configuration error: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (FnEngineException e)
        {
            GatewayLog.EngineFailed(logger, name, e);
            await answers.FailAsync(context, route, FnEngineException.StatusCode, $"Engine failure: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            answers.ClientGone(context, route, name, call.CallId, started);
            return;
        }
        catch (ObjectDisposedException)
        {
            // A request that reached Kestrel after the stop began: the executor is draining.
            await answers.FailAsync(context, route, StatusCodes.Status503ServiceUnavailable, "The gateway is shutting down").ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            // Never an empty 500: whatever escaped the executor is answered as documented, with its message.
            GatewayLog.CallFailedUnexpectedly(logger, name, e);
            await answers.FailAsync(context, route, StatusCodes.Status500InternalServerError, $"Internal failure: {e.Message}").ConfigureAwait(false);
            return;
        }

        await using (invocation.ConfigureAwait(false))
        {
            if (body.LimitExceeded)
            {
                // The input was cut: whatever the function made of it, the answer is the limit (the call is cancelled).
                await answers.FailAsync(context, route, StatusCodes.Status413PayloadTooLarge, answers.TooLarge()).ConfigureAwait(false);
            }
            else if (!invocation.IsStreaming)
            {
                var result = await invocation.Completion.ConfigureAwait(false);
                await answers.WriteAsync(context, route, name, function, result, time.GetElapsedTime(started), trigger).ConfigureAwait(false);
            }
            else
            {
                await streaming.StreamAsync(context, route, name, function, invocation, body, started, trigger).ConfigureAwait(false);
            }
        }
    }

    private string Names() =>
        functions.Functions.Count <= 10
            ? string.Join(", ", functions.Functions.Select(f => $"'{f.Name}'"))
            : $"{functions.Functions.Count} functions";
}
