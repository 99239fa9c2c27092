namespace FnPipeline.TestFunction;

/// <summary>One call's input: the body, and for http-stream calls the request line and headers.</summary>
internal sealed class CallRequest
{
    public CallRequest(byte[] body, string? requestLine, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Body = body;
        RequestLine = requestLine;
        Headers = headers;
    }

    public byte[] Body { get; }

    /// <summary>The HTTP request line, or null in the default format.</summary>
    public string? RequestLine { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public bool IsHttp => RequestLine is not null;

    public string? GetHeader(string name)
    {
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }
}
