using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.Docker;

/// <summary>
/// One removal request to the engine (force, with volumes), the attempt the executor's removal queue
/// (<see cref="Tracking.ContainerTracker"/>) retries. "No such container" is success: it is gone. Anything else,
/// including 409 "removal already in progress" (another remover has not finished yet), throws, so the queue tries again.
/// </summary>
internal static class ContainerRemover
{
    private static readonly ContainerRemoveParameters ForceWithVolumes = new() { Force = true, RemoveVolumes = true };

    public static async Task RemoveOnceAsync(IDockerClient client, string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(containerId, ForceWithVolumes, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (DockerErrors.IsNotFound(e))
        {
            // Gone already: what the removal wanted.
        }
    }
}
