using FnPipeline.Buffers;

namespace FnPipeline.Protocol;

/// <summary>
/// A function's answer as read off the socket. <see cref="Body"/> is a pooled buffer whose ownership passes to
/// whoever consumes the response (normally the call's result).
/// </summary>
/// <param name="StatusCode">The HTTP status the function answered with.</param>
/// <param name="Headers">Response and content headers, hop-by-hop ones removed.</param>
/// <param name="Body">The body up to the cap; <c>null</c> when the status says the body is not read.</param>
/// <param name="BodyState">Whether the body fit, and if not whether the connection was drained.</param>
internal readonly record struct HttpStreamResponse(
    int StatusCode,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    PooledOutputBuffer? Body,
    ResponseBodyState BodyState)
{
    /// <summary>The function answered before it read the whole request body; its connection was closed.</summary>
    public bool RequestCut { get; init; }
}
