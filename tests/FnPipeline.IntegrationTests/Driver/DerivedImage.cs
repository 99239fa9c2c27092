using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>Throwaway images: busybox with Dockerfile instructions applied (a healthcheck, a volume…), removed by the test.</summary>
internal static class DerivedImage
{
    /// <summary>Busybox plus a Docker healthcheck that passes once <c>/tmp/ready</c> exists.</summary>
    public static Task<string> WithHealthcheckAsync(IDockerClient client) =>
        CreateAsync(client, "fnpipeline/driver-it-healthcheck", "HEALTHCHECK --interval=500ms --timeout=2s --retries=10 CMD test -f /tmp/ready");

    /// <summary>Busybox declaring <c>VOLUME</c>s at <paramref name="paths"/>.</summary>
    public static Task<string> WithVolumesAsync(IDockerClient client, params string[] paths) =>
        CreateAsync(client, "fnpipeline/driver-it-volume", $"VOLUME [{string.Join(", ", paths.Select(p => $"\"{p}\""))}]");

    /// <summary>Busybox under a name and id of its own (a unique label), for tests that remove images.</summary>
    public static Task<string> UniqueAsync(IDockerClient client) =>
        CreateAsync(client, "fnpipeline/driver-it-unique", $"LABEL fnpipeline.unique={Guid.NewGuid():N}");

    private static async Task<string> CreateAsync(IDockerClient client, string repository, string change)
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
                RepositoryName = repository,
                Tag = tag,
                Changes = [change, "LABEL fnpipeline.test=1"],
            });
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(source.ID, new ContainerRemoveParameters { Force = true });
        }

        return $"{repository}:{tag}";
    }
}
