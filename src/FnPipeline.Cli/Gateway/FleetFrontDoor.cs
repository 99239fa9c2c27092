using System.Text.Json;
using System.Text.Json.Serialization;
using FnPipeline.Cli.Functions;
using FnPipeline.Fleet;
using FnPipeline.Fleet.Async;
using FnPipeline.Fleet.Client;
using FnPipeline.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// The routes <c>fnpipe serve --nats</c> adds to the gateway's (docs/cli.md, "The fleet's front door"): a detached call
/// (<c>POST /invoke/{name}</c> with <c>Fn-Invoke-Type: detached</c>) is submitted to the fleet's asynchronous stream
/// and answered 202 with its call id; <c>GET /results/{id}</c> answers its stored result (status, headers, body), 202
/// while it is pending, 404 for an id the fleet does not know; <c>GET /health</c> reports the NATS connection.
/// </summary>
internal sealed class FleetFrontDoor(
    FleetExecutor fleet,
    FleetOptions fleetOptions,
    FunctionsFile functions,
    GatewaySettings settings,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger<FleetFrontDoor> logger)
{
    /// <summary>The request header that asks for a detached call, and its value (Fn's).</summary>
    public const string InvokeTypeHeader = "Fn-Invoke-Type";

    /// <summary>An http(s) URL the node POSTs the result of a detached call to (optional).</summary>
    public const string CallbackHeader = "Fn-Callback-Url";

    private static readonly HashSet<string> DroppedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Expect", FnHeaderNames.CallId, FnHeaderNames.Deadline, InvokeTypeHeader, CallbackHeader,
    };

    /// <summary>Whether <paramref name="request"/> asks for a detached call.</summary>
    public static bool IsDetached(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.Headers.TryGetValue(InvokeTypeHeader, out var type)
        && string.Equals(type.ToString().Trim(), "detached", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>POST /invoke/{name}</c>, detached: 202 with the call id once the fleet stored the call.</summary>
    public async Task SubmitAsync(HttpContext context, string name)
    {
        const string route = "detached";
        var cancellationToken = context.RequestAborted;
        if (functions.Find(name) is not { } function)
        {
            await FailAsync(context, route, StatusCodes.Status404NotFound, $"Function '{name}' not found in {Path.GetFileName(functions.Path)}").ConfigureAwait(false);
            return;
        }

        Uri? callback = null;
        if (context.Request.Headers.TryGetValue(CallbackHeader, out var url)
            && (!Uri.TryCreate(url.ToString().Trim(), UriKind.Absolute, out callback) || callback.Scheme is not ("http" or "https")))
        {
            await FailAsync(context, route, StatusCodes.Status400BadRequest, $"{CallbackHeader} '{url}' is not an absolute http:// or https:// URL").ConfigureAwait(false);
            return;
        }

        // A detached call is stored whole in the stream: its input is read whole here (up to the limit).
        var input = await ReadBodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
        if (input is null)
        {
            await FailAsync(context, route, StatusCodes.Status413PayloadTooLarge, $"Request body too large: the limit is {settings.MaxRequestBytes} bytes").ConfigureAwait(false);
            return;
        }

        var call = function.ToCall(functions.App, CallInput.FromBytes(input), Headers(context.Request, function)) with
        {
            CallId = Guid.CreateVersion7().ToString("N"),
        };
        try
        {
            var callId = await fleet.SubmitAsync(call, new AsyncCallOptions { CallbackUrl = callback }, cancellationToken).ConfigureAwait(false);
            var location = $"/results/{callId}";
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.Headers[FnHeaderNames.CallId] = callId;
            context.Response.Headers.Location = location;
            await WriteJsonAsync(context.Response, new DetachedAccepted(callId, "accepted", location), FrontDoorJsonContext.Default.DetachedAccepted, cancellationToken).ConfigureAwait(false);
            metrics.Request(route, StatusCodes.Status202Accepted);
            FrontDoorLog.DetachedAccepted(logger, name, callId);
        }
        catch (InvalidFunctionCallException e)
        {
            await FailAsync(context, route, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
        }
        catch (FleetPayloadTooLargeException e)
        {
            await FailAsync(context, route, StatusCodes.Status413PayloadTooLarge, e.Message).ConfigureAwait(false);
        }
        catch (FleetAsyncException e)
        {
            await FailAsync(context, route, e.Kind == FnErrorKind.FleetUnavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
        }
    }

    /// <summary><c>GET /results/{id}</c>: the stored result as the call's own answer; 202 pending; 404 unknown.</summary>
    public async Task ResultAsync(HttpContext context, string id)
    {
        const string route = "results";
        var cancellationToken = context.RequestAborted;
        var started = time.GetTimestamp();
        AsyncCallResult stored;
        try
        {
            stored = await fleet.GetResultAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (FleetAsyncException e)
        {
            await FailAsync(context, route, StatusCodes.Status503ServiceUnavailable, e.Message).ConfigureAwait(false);
            return;
        }

        switch (stored)
        {
            case AsyncCallResult.Completed done:
                using (done.Result)
                {
                    if (done.NodeId is { } node)
                    {
                        context.Response.Headers["Fnp-Node"] = node;
                    }

                    await GatewayResponses.WriteResultAsync(context.Response, done.Result, time.GetElapsedTime(started), settings.RetryAfterSeconds, settings.ErrorStderrBytes, cancellationToken).ConfigureAwait(false);
                    metrics.Request(route, context.Response.StatusCode);
                }

                break;
            case AsyncCallResult.Pending pending:
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                context.Response.Headers[FnHeaderNames.CallId] = id;
                await WriteJsonAsync(context.Response, new DetachedPending(id, "pending", pending.SubmittedAt, pending.FailedRuns, pending.LastError), FrontDoorJsonContext.Default.DetachedPending, cancellationToken).ConfigureAwait(false);
                metrics.Request(route, StatusCodes.Status202Accepted);
                break;
            default:
                await FailAsync(context, route, StatusCodes.Status404NotFound,
                    $"No detached call '{id}' in fleet '{fleetOptions.Fleet}': never accepted, or older than the results' retention").ConfigureAwait(false);
                break;
        }
    }

    /// <summary><c>GET /health</c>: 200 while the NATS connection is up (connecting now if it is not), else 503.</summary>
    public async Task HealthAsync(HttpContext context)
    {
        var problem = fleet.Connection.ConnectionState == NatsConnectionState.Open
            ? null
            : await fleet.EnsureConnectedAsync(context.RequestAborted).ConfigureAwait(false);
        var body = new FleetHealth(
            problem is null ? "ok" : "unhealthy",
            problem is null ? "connected" : "unreachable",
            fleetOptions.Fleet,
            fleet.InstanceId,
            functions.Functions.Count,
            problem);
        context.Response.StatusCode = problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await WriteJsonAsync(context.Response, body, FrontDoorJsonContext.Default.FleetHealth, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > settings.MaxRequestBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.ToArray();
            }

            if (buffer.Length + read > settings.MaxRequestBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }
    }

    /// <summary>http-stream: the caller's headers go to the function (as on a synchronous invoke); default format: none.</summary>
    private static List<KeyValuePair<string, string>> Headers(HttpRequest request, FunctionDefinition function)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (function.Format == FunctionFormat.HttpStream)
        {
            foreach (var (name, values) in request.Headers)
            {
                if (!DroppedRequestHeaders.Contains(name))
                {
                    headers.AddRange(values.Select(value => new KeyValuePair<string, string>(name, value ?? "")));
                }
            }
        }

        return headers;
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

    private static async Task WriteJsonAsync<T>(HttpResponse response, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, type);
        response.ContentType = "application/json";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The 202 body of a detached call.</summary>
internal sealed record DetachedAccepted(string CallId, string Status, string Location);

/// <summary>The 202 body of <c>GET /results/{id}</c> while the call is pending.</summary>
internal sealed record DetachedPending(string CallId, string Status, DateTimeOffset? SubmittedAt, int FailedRuns, string? LastError);

/// <summary>The health body of the fleet's front door.</summary>
internal sealed record FleetHealth(string Status, string Nats, string Fleet, string Instance, int Functions, string? Message = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DetachedAccepted))]
[JsonSerializable(typeof(DetachedPending))]
[JsonSerializable(typeof(FleetHealth))]
internal sealed partial class FrontDoorJsonContext : JsonSerializerContext;
