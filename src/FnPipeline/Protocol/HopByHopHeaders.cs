namespace FnPipeline.Protocol;

/// <summary>
/// Headers that belong to one HTTP connection and must not be forwarded (RFC 9110 §7.6.1): the executor drops them
/// from the caller's headers on the way to the function and from the function's headers on the way back.
/// </summary>
public static class HopByHopHeaders
{
    /// <summary>Whether <paramref name="name"/> is hop-by-hop: <c>Connection</c>, <c>Keep-Alive</c>,
    /// <c>Transfer-Encoding</c>, <c>Upgrade</c>, <c>TE</c>, <c>Trailer</c> or any <c>Proxy-*</c>.</summary>
    public static bool IsHopByHop(string name)
    {
        ArgumentNullException.ThrowIfNull(name);

        // Switch on length first: this runs for every header of every call, and most names are not hop-by-hop.
        return name.Length switch
        {
            2 => name.Equals("TE", StringComparison.OrdinalIgnoreCase),
            7 => name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase),
            10 => name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase),
            17 => name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase),
            _ => false,
        } || name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The header names a <c>Connection</c> header lists (also hop-by-hop); <c>null</c> when there is none.</summary>
    internal static string[]? ConnectionTokens(IEnumerable<KeyValuePair<string, string>> headers)
    {
        List<string>? tokens = null;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                tokens ??= [];
                tokens.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return tokens?.ToArray();
    }

    internal static bool IsNamedBy(string[]? connectionTokens, string name) =>
        connectionTokens is not null && Array.Exists(connectionTokens, token => token.Equals(name, StringComparison.OrdinalIgnoreCase));
}
