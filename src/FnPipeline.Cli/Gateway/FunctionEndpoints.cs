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

    /// <summary>The piece a streamed output is read and written in (one pooled buffer per streaming call).</summary>
    private const int StreamChunkBytes = 64 * 1024;

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

        if (context.Request.ContentLength is { } declared && declared > settings.MaxRequestBytes)
        {
            await FailAsync(context, route, StatusCodes.Status413PayloadTooLarge, TooLarge()).ConfigureAwait(false);
            return;
        }

        // The body goes into the call as it arrives (stdin of a cold call, the request of a hot one); never held whole.
        var body = new RequestBodyStream(context.Request.Body, settings.MaxRequestBytes);
        var input = context.Request.ContentLength is { } length ? CallInput.FromStream(body, length) : CallInput.FromStream(body);
        var call = function.ToCall(functions.App, input, Headers(context.Request, function, trigger));

        // The gateway names the call, so that a call whose client disconnects is logged with its id.
        call = call with { CallId = Guid.CreateVersion7().ToString("N") };
        StreamingInvocation invocation;
        try
        {
            invocation = await executor.InvokeStreamingAsync(call, cancellationToken).ConfigureAwait(false);
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
            ClientGone(context, route, name, call.CallId, started);
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

        await using (invocation.ConfigureAwait(false))
        {
            if (body.LimitExceeded)
            {
                // The input was cut: whatever the function made of it, the answer is the limit (the call is cancelled).
                await FailAsync(context, route, StatusCodes.Status413PayloadTooLarge, TooLarge()).ConfigureAwait(false);
            }
            else if (!invocation.IsStreaming)
            {
                var result = await invocation.Completion.ConfigureAwait(false);
                await WriteAsync(context, route, name, function, result, time.GetElapsedTime(started), trigger).ConfigureAwait(false);
            }
            else
            {
                await StreamAsync(context, route, name, function, invocation, body, started, trigger).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A call whose output began. Up to 64 KiB of it is held for <see cref="GatewaySettings.StreamHold"/>: a call that
    /// ends meanwhile is answered whole (its real status, Content-Length, Server-Timing). Otherwise the head goes out
    /// (200, or the trigger's unwrapped status, and the function's headers), then each chunk as the function produces
    /// it, flushed. The caller's pace holds the function back (the output stream waits for this loop, Kestrel's writes
    /// wait for the client). A failure after the head (a cap, a timeout, an exit code, the request body past its limit)
    /// cannot change the status any more: the connection is aborted, so the client sees a cut response rather than a
    /// complete one, and the call is logged and counted as failed.
    /// </summary>
    private async Task StreamAsync(
        HttpContext context, string route, string name, FunctionDefinition function, StreamingInvocation invocation, RequestBodyStream body, long started, bool trigger)
    {
        var cancellationToken = context.RequestAborted;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(StreamChunkBytes);
        Exception? failure = null;
        var held = 0;
        var ended = false;
        Task<int>? pending = null;
        try
        {
            pending = invocation.Output.ReadAsync(buffer.AsMemory(0, StreamChunkBytes), cancellationToken).AsTask();
            var holdUntil = time.GetTimestamp() + (long)(settings.StreamHold.TotalSeconds * time.TimestampFrequency);
            while (true)
            {
                var left = TimeSpan.FromSeconds((double)(holdUntil - time.GetTimestamp()) / time.TimestampFrequency);
                if (!pending.IsCompleted && left > TimeSpan.Zero)
                {
                    await Task.WhenAny(pending, Task.Delay(left, time, cancellationToken)).ConfigureAwait(false);
                }

                if (!pending.IsCompleted)
                {
                    break;
                }

                var read = await pending.ConfigureAwait(false);
                if (read == 0)
                {
                    ended = true;
                    break;
                }

                held += read;
                if (held == StreamChunkBytes)
                {
                    pending = null;
                    break;
                }

                pending = invocation.Output.ReadAsync(buffer.AsMemory(held, StreamChunkBytes - held), cancellationToken).AsTask();
            }

            if (!ended)
            {
                GatewayResponses.WriteStreamHead(context.Response, invocation, buffer.AsSpan(0, held), trigger && function.Format == FunctionFormat.HttpStream);
                await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
                await WriteChunkAsync(context.Response, buffer.AsMemory(0, held), cancellationToken).ConfigureAwait(false);

                // The read still pending (if any) fills the part of the buffer after what was held.
                if (pending is not null)
                {
                    var read = await pending.ConfigureAwait(false);
                    pending = null;
                    await WriteChunkAsync(context.Response, buffer.AsMemory(held, read), cancellationToken).ConfigureAwait(false);
                    ended = read == 0;
                }

                while (!ended)
                {
                    var read = await invocation.Output.ReadAsync(buffer.AsMemory(0, StreamChunkBytes), cancellationToken).ConfigureAwait(false);
                    ended = read == 0;
                    await WriteChunkAsync(context.Response, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                held = 0;
            }
        }
        catch (FnStreamException e)
        {
            failure = e;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client went away: disposing the invocation cancels the call.
            failure = e;
        }

        try
        {
            await FinishStreamAsync(context, route, name, function, invocation, body, buffer.AsMemory(0, held), failure, started, trigger).ConfigureAwait(false);
        }
        finally
        {
            // A read still pending (the head's write failed under it) may yet fill the buffer: it is left to the GC.
            if (pending is null || pending.IsCompleted)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task WriteChunkAsync(HttpResponse response, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (!chunk.IsEmpty)
        {
            await response.Body.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>After the output: the whole answer when nothing went out yet (<paramref name="held"/>), else the outcome's log line or the abort.</summary>
    private async Task FinishStreamAsync(
        HttpContext context, string route, string name, FunctionDefinition function, StreamingInvocation invocation, RequestBodyStream body, ReadOnlyMemory<byte> held, Exception? failure, long started, bool trigger)
    {
        var cancellationToken = context.RequestAborted;
        InvocationResult result;
        try
        {
            result = await invocation.Completion.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GatewayLog.EngineFailed(logger, name, e);
            if (!context.Response.HasStarted)
            {
                await FailAsync(context, route, FnEngineException.StatusCode, $"Engine failure: {e.Message}").ConfigureAwait(false);
                return;
            }

            Abort(context, route, name, invocation.CallId, FnEngineException.StatusCode, $"Engine failure: {e.Message}", started);
            return;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            ClientGone(context, route, name, invocation.CallId, started);
        }
        else if (!context.Response.HasStarted)
        {
            // Ended within the hold, or failed before the head: a whole answer with the call's real status.
            if (body.LimitExceeded)
            {
                await FailAsync(context, route, StatusCodes.Status413PayloadTooLarge, TooLarge()).ConfigureAwait(false);
                return;
            }

            await WriteAsync(context, route, name, function, result, held, time.GetElapsedTime(started), trigger).ConfigureAwait(false);
        }
        else if (result.Error is { } error)
        {
            Abort(context, route, name, invocation.CallId, error.StatusCode, error.Message, started);
        }
        else if (body.LimitExceeded || failure is not null)
        {
            Abort(context, route, name, invocation.CallId, StatusCodes.Status413PayloadTooLarge, failure?.Message ?? TooLarge(), started);
        }
        else
        {
            metrics.Request(route, context.Response.StatusCode);
            var elapsed = time.GetElapsedTime(started);
            var level = GatewayLog.AnsweredLevel(context.Response.StatusCode);
            if (logger.IsEnabled(level))
            {
                GatewayLog.CallAnswered(logger, level, context.Request.Method, context.Request.Path.Value ?? "", context.Response.StatusCode, invocation.CallId, elapsed.TotalMilliseconds, "");
            }
        }
    }

    /// <summary>A failure after the head went out: the client gets a cut response, the call is logged and counted failed.</summary>
    private void Abort(HttpContext context, string route, string name, string callId, int statusCode, string reason, long started)
    {
        context.Abort();
        metrics.Request(route, statusCode);
        GatewayLog.StreamAborted(logger, context.Request.Method, context.Request.Path.Value ?? "", name, callId, statusCode, time.GetElapsedTime(started).TotalMilliseconds, reason);
    }

    private void ClientGone(HttpContext context, string route, string name, string callId, long started)
    {
        metrics.Request(route, StatusCodes.Status499ClientClosedRequest);
        var elapsed = time.GetElapsedTime(started);
        if (logger.IsEnabled(LogLevel.Information))
        {
            GatewayLog.ClientDisconnected(logger, context.Request.Method, context.Request.Path.Value ?? "", name, callId, elapsed.TotalMilliseconds);
        }
    }

    private string TooLarge() => $"Request body too large: the limit is {settings.MaxRequestBytes} bytes";

    private Task WriteAsync(HttpContext context, string route, string name, FunctionDefinition function, InvocationResult result, TimeSpan total, bool trigger) =>
        WriteAsync(context, route, name, function, result, result.Output, total, trigger);

    private async Task WriteAsync(HttpContext context, string route, string name, FunctionDefinition function, InvocationResult result, ReadOnlyMemory<byte> output, TimeSpan total, bool trigger)
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
