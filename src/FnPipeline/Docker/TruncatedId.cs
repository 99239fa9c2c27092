namespace FnPipeline.Docker;

/// <summary>A container or image id as logs print it: the first 12 characters, like the docker CLI.</summary>
internal readonly struct TruncatedId(string? value)
{
    private const int Length = 12;

    private const string DigestPrefix = "sha256:";

    /// <summary>Image ids drop their <c>sha256:</c> first, as the CLI shows them.</summary>
    public override string ToString()
    {
        var id = value is not null && value.StartsWith(DigestPrefix, StringComparison.Ordinal) ? value[DigestPrefix.Length..] : value;
        return id is null ? "" : id.Length <= Length ? id : id[..Length];
    }
}
