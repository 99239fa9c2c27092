namespace FnPipeline.Testing.Fakes;

/// <summary>A request as the fake function server read it off the socket.</summary>
internal sealed record FakeRequest(string Method, string Target, string Version, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool Has(string name) => Headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
