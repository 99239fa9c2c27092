namespace FnPipeline.Docker;

/// <summary>Images the executor refuses to run, whatever the registry said.</summary>
internal static class ImageErrors
{
    /// <summary>
    /// Fn's <c>ErrImageWithVolume</c> (400): every container of such an image gets anonymous volumes on the host, which
    /// outlive a crashed executor and slow every create.
    /// </summary>
    public static FnError DeclaresVolumes(string image, IEnumerable<string> volumes) =>
        new(FnErrorKind.InvalidCall, 400,
            $"Image '{image}' declares volumes ({string.Join(", ", volumes.Order(StringComparer.Ordinal))}): refused; set AllowImageVolumes (FNPIPELINE_ALLOW_IMAGE_VOLUMES) to run it");
}
