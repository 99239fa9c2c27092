namespace FnPipeline.Protocol;

/// <summary>Copies a response's headers for the result without parsing them, hop-by-hop headers removed.</summary>
internal static class ResponseHeaders
{
    public static List<KeyValuePair<string, string>> Collect(HttpResponseMessage response)
    {
        // NonValidated enumerators are structs and hand back the raw strings: no parsing, no per-header allocation.
        var headers = new List<KeyValuePair<string, string>>(response.Headers.NonValidated.Count + response.Content.Headers.NonValidated.Count);
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            if (!HopByHopHeaders.IsHopByHop(name))
            {
                headers.Add(new(name, values.ToString()));
            }
        }

        foreach (var (name, values) in response.Content.Headers.NonValidated)
        {
            headers.Add(new(name, values.ToString()));
        }

        return headers;
    }
}
