namespace FnPipeline.Docker;

/// <summary>What makes two pulls the same transfer: the normalized reference and the credentials (Fn's puller key).</summary>
internal readonly record struct PullKey(string Reference, string? Username, string? Password, string? IdentityToken, string? ServerAddress)
{
    public override string ToString() => $"{Reference} as {Username ?? "anonymous"}";
}
