using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>A throwaway image: busybox plus a Docker healthcheck that passes once <c>/tmp/ready</c> exists.</summary>
internal static class HealthcheckImage
{
    public static async Task<string> CreateAsync(IDockerClient client)
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var source = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = TestImages.Busybox,
            Cmd = ["true"],
            Labels = DockerDriverTestKit.TestLabels(),
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        try
        {
            await client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
            {
                ContainerID = source.ID,
                RepositoryName = "fnpipeline/driver-it-healthcheck",
                Tag = tag,
                Changes = ["HEALTHCHECK --interval=500ms --timeout=2s --retries=10 CMD test -f /tmp/ready", "LABEL fnpipeline.test=1"],
            });
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(source.ID, new ContainerRemoveParameters { Force = true });
        }

        return $"fnpipeline/driver-it-healthcheck:{tag}";
    }

    public static async Task RemoveAsync(IDockerClient client, string image) =>
        await client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
}
