namespace FnPipeline.Protocol;

/// <summary>The errors of the http-stream exchange, with Fn's wording so that existing clients recognise them.</summary>
internal static class HttpStreamErrors
{
    public static FnError FunctionFailed() => new(FnErrorKind.FunctionFailed, 502, "function failed");

    public static FnError FunctionTimedOut() =>
        new(FnErrorKind.Timeout, 504, "Timed out: the function reported its own timeout (status 504)");

    public static FnError InvalidStatus(int statusCode) =>
        new(FnErrorKind.InvalidFunctionResponse, 502,
            $"invalid function response: status {statusCode} (the contract allows 200, 502 and 504); the container was replaced");

    public static FnError ResponseTooLarge(long maxBytes) =>
        new(FnErrorKind.OutputTooLarge, 502, $"function response body too large: more than the maximum of {maxBytes} bytes");

    public static FnError HeadersTooLarge(int maxBytes) =>
        new(FnErrorKind.InvalidFunctionResponse, 502, $"function response header too large: more than the maximum of {maxBytes} bytes");

    public static FnError ReceiveFailed(string detail) =>
        new(FnErrorKind.InvalidFunctionResponse, 502, $"error receiving function response: {detail}");
}
