using System.Globalization;

namespace FnPipeline.Protocol;

/// <summary>
/// How an HTTP gateway (Fn's HTTP triggers) wraps an end user's request into an http-stream call and unwraps the
/// function's response, as Fn does at HEAD: the user's headers travel as <c>Fn-Http-H-&lt;Name&gt;</c> (only
/// <c>Content-Type</c> stays plain), with <c>Fn-Http-Method</c>, <c>Fn-Http-Request-Url</c> and
/// <c>Fn-Intent: httprequest</c>; the response status comes from <c>Fn-Http-Status</c>.
/// </summary>
public static class HttpGatewayMapping
{
    /// <summary>
    /// The call headers for an end user's request: hop-by-hop headers (and those the <c>Connection</c> header names),
    /// <c>Host</c> and <c>Content-Length</c> dropped; every other header wrapped, except <c>Content-Type</c>.
    /// </summary>
    /// <param name="method">The end user's request method, e.g. <c>GET</c>.</param>
    /// <param name="requestUrl">The end user's full request URL.</param>
    /// <param name="headers">The end user's request headers.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> WrapRequest(
        string method, string requestUrl, IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(requestUrl);
        ArgumentNullException.ThrowIfNull(headers);
        var connectionTokens = HopByHopHeaders.ConnectionTokens(headers);
        var wrapped = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in headers)
        {
            if (HopByHopHeaders.IsHopByHop(name) || HopByHopHeaders.IsNamedBy(connectionTokens, name) ||
                name.Equals("Host", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            wrapped.Add(name.Equals(FnHeaderNames.ContentType, StringComparison.OrdinalIgnoreCase)
                ? new(FnHeaderNames.ContentType, value)
                : new(FnHeaderNames.HttpHeaderPrefix + name, value));
        }

        wrapped.Add(new(FnHeaderNames.HttpMethod, method));
        wrapped.Add(new(FnHeaderNames.HttpRequestUrl, requestUrl));
        wrapped.Add(new(FnHeaderNames.Intent, FnHeaderNames.HttpRequestIntent));
        return wrapped;
    }

    /// <summary>
    /// The end user's response for a function response with <paramref name="statusCode"/> (the executor's status:
    /// the function's, or the error's): the status is <paramref name="statusCode"/> when it is 400 or more, else
    /// <c>Fn-Http-Status</c> when it parses and is positive, else 200. Only <c>Fn-Http-H-*</c> headers (prefix
    /// removed, empty names dropped), <c>Content-Type</c> and <c>Fn-Call-Id</c> are kept.
    /// </summary>
    public static GatewayResponse UnwrapResponse(int statusCode, IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var status = statusCode >= 400 ? statusCode : 200;
        var unwrapped = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in headers)
        {
            if (name.StartsWith(FnHeaderNames.HttpHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                if (name.Length > FnHeaderNames.HttpHeaderPrefix.Length)
                {
                    unwrapped.Add(new(name[FnHeaderNames.HttpHeaderPrefix.Length..], value));
                }
            }
            else if (name.Equals(FnHeaderNames.ContentType, StringComparison.OrdinalIgnoreCase) ||
                     name.Equals(FnHeaderNames.CallId, StringComparison.OrdinalIgnoreCase))
            {
                unwrapped.Add(new(name, value));
            }
            else if (statusCode < 400 && name.Equals(FnHeaderNames.HttpStatus, StringComparison.OrdinalIgnoreCase) &&
                     int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var userStatus) && userStatus > 0)
            {
                status = userStatus;
            }
        }

        return new GatewayResponse(status, unwrapped);
    }

    /// <summary>The end user's response for a call result (see <see cref="UnwrapResponse(int, IEnumerable{KeyValuePair{string, string}})"/>).</summary>
    public static GatewayResponse UnwrapResponse(InvocationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var status = result.Error?.StatusCode ?? result.FunctionStatusCode ?? 200;
        return UnwrapResponse(status, result.Headers);
    }
}
