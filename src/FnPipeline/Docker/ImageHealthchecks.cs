using System.Collections.Concurrent;
using Docker.DotNet.Models;

namespace FnPipeline.Docker;

/// <summary>
/// What ensure-image learnt about each image's Docker healthcheck, so that a container of an image without one skips
/// the inspect-and-poll after start: one engine round trip less per call. Unknown images are polled as before.
/// </summary>
internal sealed class ImageHealthchecks
{
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);

    /// <summary>Whether the image's config has a healthcheck that runs (<c>NONE</c> disables an inherited one).</summary>
    public static bool Declares(ImageInspectResponse image) =>
        image.Config?.Healthcheck?.Test is { Count: > 0 } test && !string.Equals(test[0], "NONE", StringComparison.Ordinal);

    /// <summary>Written only when it changes: every call ensures its image, and an update would allocate each time.</summary>
    public void Record(string reference, ImageInspectResponse image)
    {
        var declares = Declares(image);
        if (!_declared.TryGetValue(reference, out var known) || known != declares)
        {
            _declared[reference] = declares;
        }
    }

    /// <summary>False only for an image ensure-image saw without a healthcheck (the create sets none of its own).</summary>
    public bool MayDeclare(string reference) => !_declared.TryGetValue(reference, out var declared) || declared;
}
