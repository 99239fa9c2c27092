using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.Testing.Engine;

/// <summary>Image chores for tests.</summary>
public static class Images
{
    public static async Task<bool> ExistsAsync(IDockerClient client, string reference)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.Images.InspectImageAsync(reference);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Force-removes <paramref name="reference"/>; an image already gone is fine.</summary>
    public static async Task RemoveIfPresentAsync(IDockerClient client, string reference)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = true });
        }
        catch (DockerImageNotFoundException)
        {
        }
    }
}
