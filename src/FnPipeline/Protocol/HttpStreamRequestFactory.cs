using System.Diagnostics;
using System.Net;

namespace FnPipeline.Protocol;

/// <summary>
/// Maps a call to its http-stream request: <c>POST /call</c> to <c>Host: localhost</c> over HTTP/1.1 with
/// <c>Fn-Call-Id</c>, <c>Fn-Deadline</c>, the W3C <c>traceparent</c> of the current activity and the caller's headers minus hop-by-hop ones. Headers the executor owns
/// (<c>Host</c>, <c>Content-Length</c>, <c>Expect</c>, <c>Fn-Call-Id</c>, <c>Fn-Deadline</c>) are not taken from the caller.
/// </summary>
internal static class HttpStreamRequestFactory
{
    /// <summary>One shared, immutable URI: the host part only names the Host header; the socket is the transport.</summary>
    private const string TraceParent = "traceparent";
    private const string TraceState = "tracestate";

    private static readonly Uri CallUri = new("http://localhost/call", UriKind.Absolute);

    public static HttpRequestMessage Create(FunctionCall call, string callId, DateTimeOffset deadline)
    {
        var content = new CallInputContent(call.Input);
        var request = new HttpRequestMessage(HttpMethod.Post, CallUri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation(FnHeaderNames.CallId, callId);
        headers.TryAddWithoutValidation(FnHeaderNames.Deadline, RfcDeadline.ToHeaderValue(deadline));
        AddCallerHeaders(request, content, call.Headers);
        AddTraceContext(headers);
        return request;
    }

    /// <summary>
    /// W3C trace context of the current activity (the call's round-trip span, or the caller's own when FnPipeline's
    /// source is not listened to): replaces any the caller passed. No activity, no header and no allocation.
    /// </summary>
    private static void AddTraceContext(System.Net.Http.Headers.HttpRequestHeaders headers)
    {
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C } activity)
        {
            return;
        }

        headers.Remove(TraceParent);
        headers.Remove(TraceState);
        headers.TryAddWithoutValidation(TraceParent, activity.Id);
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            headers.TryAddWithoutValidation(TraceState, activity.TraceStateString);
        }
    }

    private static void AddCallerHeaders(HttpRequestMessage request, HttpContent content, IReadOnlyList<KeyValuePair<string, string>> callerHeaders)
    {
        if (callerHeaders.Count == 0)
        {
            return;
        }

        var connectionTokens = HasConnectionHeader(callerHeaders) ? HopByHopHeaders.ConnectionTokens(callerHeaders) : null;

        // Indexed loop: enumerating an IReadOnlyList through its interface would allocate an enumerator per call.
        for (var i = 0; i < callerHeaders.Count; i++)
        {
            var (name, value) = callerHeaders[i];
            if (string.IsNullOrEmpty(name) || IsOwnedByExecutor(name) || HopByHopHeaders.IsHopByHop(name) ||
                HopByHopHeaders.IsNamedBy(connectionTokens, name))
            {
                continue;
            }

            // Content headers (Content-Type, Content-Encoding, ...) are refused by the request collection.
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    private static bool HasConnectionHeader(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Key, "Connection", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsOwnedByExecutor(string name) =>
        name.Equals("Host", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Expect", StringComparison.OrdinalIgnoreCase) ||
        name.Equals(FnHeaderNames.CallId, StringComparison.OrdinalIgnoreCase) ||
        name.Equals(FnHeaderNames.Deadline, StringComparison.OrdinalIgnoreCase);
}
