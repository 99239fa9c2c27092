using System.Text.RegularExpressions;

namespace FnPipeline;

/// <summary>Checks image references against the Docker reference grammar (registry, path, tag, digest) and its limits.</summary>
public static partial class ImageReference
{
    /// <summary>Whether <paramref name="image"/> is a well-formed Docker image reference.</summary>
    public static bool IsValid(string? image) => Problem(image) is null;

    /// <summary>
    /// What is wrong with <paramref name="image"/>, as a predicate to put after its name (e.g. "is required"), or
    /// <c>null</c> when it is a well-formed reference the engine will accept.
    /// </summary>
    public static string? Problem(string? image)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            return "is required";
        }

        var (name, tag, digest) = Split(image);
        if (name.Length > FunctionCallLimits.MaxRepositoryNameLength)
        {
            return $"has a repository name of {name.Length} characters; Docker allows at most {FunctionCallLimits.MaxRepositoryNameLength}";
        }

        if (tag is { Length: > FunctionCallLimits.MaxTagLength })
        {
            return $"has a tag of {tag.Length} characters; Docker allows at most {FunctionCallLimits.MaxTagLength}";
        }

        if (digest is not null && !DigestPattern().IsMatch(digest))
        {
            return "has a malformed digest: use sha256: followed by 64 lower-case hex digits (or sha384: 96, sha512: 128)";
        }

        return ReferencePattern().IsMatch(image) && FirstComponentIsValid(name) ? null
            : "is not a valid image reference ([registry[:port]/]path[:tag][@digest], the path in lower case)";
    }

    /// <summary>The repository name, the tag and the digest (without their ':' and '@').</summary>
    private static (string Name, string? Tag, string? Digest) Split(string image)
    {
        string? digest = null;
        var at = image.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = image[(at + 1)..];
            image = image[..at];
        }

        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..], digest) : (image, null, digest);
    }

    // The first component is a registry only when it looks like one (has '.' or ':' or is localhost); otherwise it is
    // a path component and must be lower case, as Docker decides.
    private static bool FirstComponentIsValid(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return true;
        }

        var first = name[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) ||
               first == "localhost" || first.Equals(first.ToLowerInvariant(), StringComparison.Ordinal);
    }

    // Docker's reference grammar: [host[:port]/]path-component(/path-component)*[:tag][@algo:hex]; its \w is ASCII only.
    [GeneratedRegex(
        @"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*" +
        @"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();

    // The digests the engine can verify (go-digest's algorithms): lower-case hex of the algorithm's exact length.
    [GeneratedRegex("^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
