using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.IntegrationTests.Infrastructure;

/// <summary>Image chores for tests.</summary>
public static class Images
{
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
