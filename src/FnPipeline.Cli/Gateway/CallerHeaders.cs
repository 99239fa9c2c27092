using FnPipeline.Cli.Functions;
using FnPipeline.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Primitives;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// The caller's headers a call carries. http-stream: the caller's headers (invoke), or wrapped as <c>Fn-Http-H-*</c>
/// with method and URL (trigger). Default format: none, the stdin/stdout exchange has no headers.
/// </summary>
internal static class CallerHeaders
{
    // The executor sets these itself; the rest of the caller's headers go to http-stream functions.
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Expect", FnHeaderNames.CallId, FnHeaderNames.Deadline,
    };

    public static List<KeyValuePair<string, string>> For(HttpRequest request, FunctionDefinition function, bool trigger)
    {
        if (function.Format != FunctionFormat.HttpStream)
        {
            return [];
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (headerName, values) in request.Headers)
        {
            if (!Dropped.Contains(headerName))
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
}
