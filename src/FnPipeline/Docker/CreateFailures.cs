using Docker.DotNet;
using FnPipeline.Driver;

namespace FnPipeline.Docker;

/// <summary>
/// Create failures that belong to the call. A filesystem size needs overlay on xfs with pquota; elsewhere the engine
/// answers 500 "--storage-opt is supported only for overlay over xfs with 'pquota' mount option", which becomes a
/// clear 400. An image that vanished between ensure-image and create is Fn's 503 "server too busy" (retryable).
/// </summary>
internal static class CreateFailures
{
    public static FnError? Map(DockerApiException exception, ContainerSpec spec)
    {
        var message = DockerErrors.MessageOf(exception);
        if (spec.Resources.FsSizeMB > 0 && message.Contains("storage-opt", StringComparison.OrdinalIgnoreCase))
        {
            return new FnError(
                FnErrorKind.UnsupportedOption,
                400,
                $"filesystem size (FsSizeMB={spec.Resources.FsSizeMB}) is not supported by this engine: {message}");
        }

        if (DockerErrors.IsNotFound(exception) && message.Contains("No such image", StringComparison.OrdinalIgnoreCase))
        {
            return new FnError(FnErrorKind.TooBusy, 503, $"Image '{spec.Image}' is not present on the engine (removed after it was ensured?): {message}");
        }

        return null;
    }
}
