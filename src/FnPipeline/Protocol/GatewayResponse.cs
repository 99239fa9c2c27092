namespace FnPipeline.Protocol;

/// <summary>What an HTTP gateway sends to the end user for a function's response.</summary>
/// <param name="StatusCode">The status for the end user.</param>
/// <param name="Headers">The end user's response headers, unwrapped from <c>Fn-Http-H-*</c>.</param>
public sealed record GatewayResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers);
