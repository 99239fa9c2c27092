using System.Text.RegularExpressions;

namespace FnPipeline;

/// <summary>Checks image references against the Docker reference grammar (registry, path, tag, digest).</summary>
public static partial class ImageReference
{
    /// <summary>Whether <paramref name="image"/> is a well-formed Docker image reference.</summary>
    public static bool IsValid(string? image) =>
        !string.IsNullOrEmpty(image) && image.Length <= 512 && ReferencePattern().IsMatch(image) && FirstComponentIsValid(image);

    // The first component is a registry only when it looks like one (has '.' or ':' or is localhost); otherwise it is
    // a path component and must be lower case, as Docker decides.
    private static bool FirstComponentIsValid(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return true;
        }

        var first = image[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) ||
               first == "localhost" || first.Equals(first.ToLowerInvariant(), StringComparison.Ordinal);
    }

    // Docker's reference grammar: [host[:port]/]path-component(/path-component)*[:tag][@algo:hex]
    [GeneratedRegex(
        @"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*" +
        @"(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();
}
