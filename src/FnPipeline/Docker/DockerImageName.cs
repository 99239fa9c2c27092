namespace FnPipeline.Docker;

/// <summary>
/// An image reference split the way Fn's <c>ParseImage</c> does (HEAD behaviour): registry (empty for Docker Hub),
/// repository (<c>library/</c> prefixed when it has one component) and tag (<c>latest</c> when absent; a digest is kept
/// as the tag, e.g. <c>sha256:…</c>, which the engine's pull accepts in its <c>tag</c> parameter).
/// </summary>
internal sealed record DockerImageName(string Registry, string Repository, string Tag)
{
    /// <summary>What the engine's pull takes as <c>fromImage</c>: registry and repository joined.</summary>
    public string FromImage => Registry.Length == 0 ? Repository : $"{Registry}/{Repository}";

    public bool IsDigest => Tag.Contains(':', StringComparison.Ordinal);

    public static DockerImageName Parse(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        var (repository, tag) = SplitRepositoryTag(image.Trim());
        var registry = "";
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            repository = "library/" + repository;
        }
        else
        {
            var first = repository[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                registry = first;
                repository = repository[(slash + 1)..];
            }
        }

        return new DockerImageName(registry, repository, tag.Length == 0 ? "latest" : tag);
    }

    // Fn's parseRepositoryTag at HEAD: a digest wins over a tag; otherwise the tag follows the last ':' unless that
    // ':' belongs to a registry port (the suffix then contains a '/').
    private static (string Repository, string Tag) SplitRepositoryTag(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var name = reference[..at];
            var colon = name.LastIndexOf(':');
            if (colon >= 0 && !name[(colon + 1)..].Contains('/', StringComparison.Ordinal))
            {
                name = name[..colon];
            }

            return (name, reference[(at + 1)..]);
        }

        var n = reference.LastIndexOf(':');
        if (n >= 0 && !reference[(n + 1)..].Contains('/', StringComparison.Ordinal))
        {
            return (reference[..n], reference[(n + 1)..]);
        }

        return (reference, "");
    }

    public override string ToString() => IsDigest ? $"{FromImage}@{Tag}" : $"{FromImage}:{Tag}";
}
