using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// POSTs a stored result to the call's callback URL (docs/fleet.md, "Callbacks"): the output as the body, the outcome in
/// <c>Fn-Call-Id</c>, <c>Fnp-Status</c>, <c>Fnp-Function-Status</c>, <c>Fnp-Error-*</c> headers, the function's own
/// headers prefixed <c>Fn-Http-H-</c>. Retried with back-off on a network failure, a timeout, 408, 429 and 5xx.
/// </summary>
internal sealed class CallbackSender(HttpClient http, FleetAsyncOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>True when the receiver answered 2xx.</summary>
    public async Task<bool> SendAsync(Uri url, InvocationResult result, string nodeId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= options.CallbackAttempts; attempt++)
        {
            string problem;
            using (var request = Build(url, result, nodeId))
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(options.CallbackTimeout);
                try
                {
                    using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                    var code = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        AsyncLog.CallbackDelivered(logger, result.CallId, url.AbsoluteUri, code);
                        return true;
                    }

                    problem = $"HTTP {code}";
                    if (code < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
                    {
                        // The receiver refused the result: asking again would get the same answer.
                        AsyncLog.CallbackFailed(logger, result.CallId, attempt, url.AbsoluteUri, problem);
                        return false;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    problem = e is OperationCanceledException ? $"no answer within {options.CallbackTimeout}" : e.Message;
                }
            }

            AsyncLog.CallbackFailed(logger, result.CallId, attempt, url.AbsoluteUri, problem);
            if (attempt < options.CallbackAttempts)
            {
                await Task.Delay(options.RetryDelayAfter(attempt), time, cancellationToken).ConfigureAwait(false);
            }
        }

        AsyncLog.CallbackGaveUp(logger, result.CallId, url.AbsoluteUri, options.CallbackAttempts);
        return false;
    }

    internal static HttpRequestMessage Build(Uri url, InvocationResult result, string nodeId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        var content = new ReadOnlyMemoryContent(result.Output);
        request.Content = content;
        request.Headers.TryAddWithoutValidation("Fn-Call-Id", result.CallId);
        request.Headers.TryAddWithoutValidation("Fnp-Status", result.Status.ToString());
        request.Headers.TryAddWithoutValidation("Fnp-Node", nodeId);
        if (result.FunctionStatusCode is { } functionStatus)
        {
            request.Headers.TryAddWithoutValidation("Fnp-Function-Status", functionStatus.ToString(CultureInfo.InvariantCulture));
        }

        if (result.ExitCode is { } exitCode)
        {
            request.Headers.TryAddWithoutValidation("Fnp-Exit-Code", exitCode.ToString(CultureInfo.InvariantCulture));
        }

        if (result.Error is { } error)
        {
            request.Headers.TryAddWithoutValidation("Fnp-Error-Kind", error.Kind.ToString());
            request.Headers.TryAddWithoutValidation("Fnp-Error-Status", error.StatusCode.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("Fnp-Error", OneLine(error.Message));
        }

        string? contentType = null;
        foreach (var (name, value) in result.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }

            request.Headers.TryAddWithoutValidation("Fn-Http-H-" + name, OneLine(value));
        }

        content.Headers.ContentType = contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            ? parsed
            : new MediaTypeHeaderValue("application/octet-stream");
        return request;
    }

    // A header value is one line of printable ASCII; messages are capped so a long stderr quote cannot bloat a request.
    private static string OneLine(string text)
    {
        var chars = text.Length > 1024 ? text.AsSpan(0, 1024) : text.AsSpan();
        return string.Create(chars.Length, chars.ToString(), static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= ' ' and <= '~' ? c : ' ';
            }
        });
    }
}
