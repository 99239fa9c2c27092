namespace FnPipeline.Protocol;

/// <summary>Header names and values of the http-stream contract.</summary>
public static class FnHeaderNames
{
    /// <summary>The call's id, sent with every request.</summary>
    public const string CallId = "Fn-Call-Id";

    /// <summary>The call's deadline (RFC 3339), sent with every request.</summary>
    public const string Deadline = "Fn-Deadline";

    /// <summary>Why the function is called; <see cref="HttpRequestIntent"/> for HTTP-gateway calls.</summary>
    public const string Intent = "Fn-Intent";

    /// <summary>The <see cref="Intent"/> value of HTTP-gateway calls.</summary>
    public const string HttpRequestIntent = "httprequest";

    /// <summary>The end user's request method (gateway calls).</summary>
    public const string HttpMethod = "Fn-Http-Method";

    /// <summary>The end user's full request URL (gateway calls).</summary>
    public const string HttpRequestUrl = "Fn-Http-Request-Url";

    /// <summary>The status the function wants the end user to see (gateway responses).</summary>
    public const string HttpStatus = "Fn-Http-Status";

    /// <summary>Prefix that wraps the end user's headers in both directions (gateway calls).</summary>
    public const string HttpHeaderPrefix = "Fn-Http-H-";

    /// <summary>The one header that crosses the gateway unwrapped.</summary>
    public const string ContentType = "Content-Type";
}
