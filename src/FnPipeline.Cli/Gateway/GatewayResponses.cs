using System.Globalization;
using System.Text.Json;
using FnPipeline.Protocol;
using Microsoft.AspNetCore.Http;

namespace FnPipeline.Cli.Gateway;

/// <summary>How the gateway answers: results as the function's output, errors as <c>{"message": ...}</c> with the contract's status.</summary>
internal static class GatewayResponses
{
    private static readonly HashSet<string> OwnedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", FnHeaderNames.CallId, ServerTiming.HeaderName, "Date", "Server",
    };

    /// <summary>An error: its status, <c>{"message": ...}</c>, <c>Retry-After</c> on 503.</summary>
    public static Task WriteErrorAsync(HttpResponse response, int statusCode, string message, int retryAfterSeconds, CancellationToken cancellationToken = default) =>
        WriteErrorAsync(response, statusCode, message, retryAfterSeconds, stderr: null, cancellationToken);

    /// <summary>An error with the tail of the failed call's stderr (<c>null</c>: none).</summary>
    public static async Task WriteErrorAsync(HttpResponse response, int statusCode, string message, int retryAfterSeconds, string? stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = statusCode;
        response.ContentType = ContentTypes.Json;
        if (statusCode == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(message, stderr), GatewayJsonContext.Readable.ErrorBody);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A call's result: the output and the function's headers on success; the error otherwise.</summary>
    public static Task WriteResultAsync(HttpResponse response, InvocationResult result, TimeSpan total, int retryAfterSeconds, int errorStderrBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WriteResultAsync(response, result, result.Output, total, retryAfterSeconds, errorStderrBytes, cancellationToken);
    }

    /// <summary>As above, with the output given apart (a streamed output the gateway held whole).</summary>
    public static Task WriteResultAsync(HttpResponse response, InvocationResult result, ReadOnlyMemory<byte> output, TimeSpan total, int retryAfterSeconds, int errorStderrBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(result);
        AddCallHeaders(response, result, total);
        if (result.Error is { } error)
        {
            return WriteErrorAsync(response, error.StatusCode, error.Message, retryAfterSeconds, StderrTail(result.Stderr, errorStderrBytes), cancellationToken);
        }

        response.StatusCode = StatusCodes.Status200OK;
        CopyFunctionHeaders(response, result.Headers);
        return WriteOutputAsync(response, output, cancellationToken);
    }

    /// <summary>An HTTP-trigger result: status and headers unwrapped from <c>Fn-Http-*</c>; errors as for invoke.</summary>
    public static Task WriteTriggerResultAsync(HttpResponse response, InvocationResult result, TimeSpan total, int retryAfterSeconds, int errorStderrBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WriteTriggerResultAsync(response, result, result.Output, total, retryAfterSeconds, errorStderrBytes, cancellationToken);
    }

    /// <summary>As above, with the output given apart.</summary>
    public static Task WriteTriggerResultAsync(HttpResponse response, InvocationResult result, ReadOnlyMemory<byte> output, TimeSpan total, int retryAfterSeconds, int errorStderrBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Error is not null)
        {
            return WriteResultAsync(response, result, output, total, retryAfterSeconds, errorStderrBytes, cancellationToken);
        }

        var unwrapped = HttpGatewayMapping.UnwrapResponse(result);
        AddCallHeaders(response, result, total);
        response.StatusCode = unwrapped.StatusCode;
        CopyFunctionHeaders(response, unwrapped.Headers);
        return WriteOutputAsync(response, output, cancellationToken);
    }

    /// <summary>
    /// The head of a streamed output: 200 (an HTTP trigger of an http-stream function: the unwrapped status), the call
    /// id, the function's headers, and a Content-Type sniffed from the first chunk when the function gave none. No
    /// Content-Length (chunked) and no Server-Timing: the timings are final only at the end.
    /// </summary>
    public static void WriteStreamHead(HttpResponse response, StreamingInvocation invocation, ReadOnlySpan<byte> firstChunk, bool trigger)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(invocation);
        response.Headers[FnHeaderNames.CallId] = invocation.CallId;
        if (trigger)
        {
            var unwrapped = HttpGatewayMapping.UnwrapResponse(invocation.FunctionStatusCode ?? 200, invocation.Headers);
            response.StatusCode = unwrapped.StatusCode;
            CopyFunctionHeaders(response, unwrapped.Headers);
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
            CopyFunctionHeaders(response, invocation.Headers);
        }

        if (string.IsNullOrEmpty(response.ContentType))
        {
            response.ContentType = ContentTypes.Sniff(firstChunk);
        }
    }

    /// <summary>
    /// The last <paramref name="maxBytes"/> bytes (UTF-8) of <paramref name="stderr"/>, cut at a line start where one
    /// is in reach and never inside a character; <c>null</c> when there is none or the tail is off.
    /// </summary>
    public static string? StderrTail(string stderr, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (maxBytes <= 0 || stderr.Length == 0)
        {
            return null;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(stderr);
        if (bytes.Length <= maxBytes)
        {
            return stderr;
        }

        var start = bytes.Length - maxBytes;
        while (start < bytes.Length && (bytes[start] & 0xC0) == 0x80)
        {
            start++;
        }

        var tail = bytes.AsSpan(start);
        var newline = tail.IndexOf((byte)'\n');
        if (newline >= 0 && newline < tail.Length - 1)
        {
            tail = tail[(newline + 1)..];
        }

        return System.Text.Encoding.UTF8.GetString(tail);
    }

    private static void AddCallHeaders(HttpResponse response, InvocationResult result, TimeSpan total)
    {
        response.Headers[FnHeaderNames.CallId] = result.CallId;
        response.Headers[ServerTiming.HeaderName] = ServerTiming.Format(result.Timings, total);
    }

    private static void CopyFunctionHeaders(HttpResponse response, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            if (!HopByHopHeaders.IsHopByHop(name) && !OwnedHeaders.Contains(name))
            {
                response.Headers.Append(name, value);
            }
        }
    }

    private static async Task WriteOutputAsync(HttpResponse response, ReadOnlyMemory<byte> output, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(response.ContentType))
        {
            response.ContentType = ContentTypes.Sniff(output.Span);
        }

        response.ContentLength = output.Length;
        await response.Body.WriteAsync(output, cancellationToken).ConfigureAwait(false);
    }
}
