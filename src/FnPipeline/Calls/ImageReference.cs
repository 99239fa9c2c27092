using System.Text.RegularExpressions;

namespace FnPipeline;

/// <summary>Checks image references against the Docker reference grammar (registry, path, tag, digest).</summary>
public static partial class ImageReference
{
    /// <summary>Whether <paramref name="image"/> is a well-formed Docker image reference.</summary>
    public static bool IsValid(string? image) => !string.IsNullOrEmpty(image) && image.Length <= 512 && ReferencePattern().IsMatch(image);

    // Docker's reference grammar: [host[:port]/]path-component(/path-component)*[:tag][@algo:hex]
    [GeneratedRegex(
        @"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*" +
        @"(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();
}
