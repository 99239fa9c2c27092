using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>
/// Makes the engine report a pull failure inside an HTTP 200 progress stream (not as an HTTP error): pushes an image
/// with a layer of its own to the test registry, removes it from the engine, and empties that layer's blob in the
/// registry's storage (scripts/registry-up.sh keeps it under /var/lib/fnpipeline-registry/data). The engine then
/// answers "filesystem layer verification failed for digest sha256:…" in the stream.
/// </summary>
internal static class CorruptRegistryImage
{
    private const string BlobRoot = "/var/lib/fnpipeline-registry/data/docker/registry/v2/blobs/sha256";

    public static async Task<string> CreateAsync(IDockerClient client)
    {
        var tag = "corrupt-" + Guid.NewGuid().ToString("N")[..12];
        const string repository = RegistryImageFixture.Registry + "/fnpipeline/driver-it-corrupt";
        var image = $"{repository}:{tag}";
        await CommitUniqueLayerAsync(client, repository, tag);
        try
        {
            await client.Images.PushImageAsync(image, new ImagePushParameters { Tag = tag }, RegistryImageFixture.Auth, new Progress<JSONMessage>());
        }
        finally
        {
            await client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
        }

        var blob = await LastLayerBlobAsync("fnpipeline/driver-it-corrupt", tag);
        if (!File.Exists(blob))
        {
            throw new InvalidOperationException($"Registry blob {blob} not found: the registry must be the one of scripts/registry-up.sh.");
        }

        await File.WriteAllBytesAsync(blob, []);
        return image;
    }

    private static async Task CommitUniqueLayerAsync(IDockerClient client, string repository, string tag)
    {
        var source = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = TestImages.Busybox,
            Cmd = ["sh", "-c", $"echo {tag} > /unique.txt"],
            Labels = DockerDriverTestKit.TestLabels(),
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        try
        {
            await client.Containers.StartContainerAsync(source.ID, new ContainerStartParameters());
            await client.Containers.WaitContainerAsync(source.ID);
            await client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
            {
                ContainerID = source.ID,
                RepositoryName = repository,
                Tag = tag,
                Changes = ["LABEL fnpipeline.test=1"],
            });
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(source.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    private static async Task<string> LastLayerBlobAsync(string repository, string tag)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{RegistryImageFixture.Registry}/v2/{repository}/manifests/{tag}");
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryImageFixture.User}:{RegistryImageFixture.Password}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var digest = manifest.RootElement.GetProperty("layers").EnumerateArray().Last().GetProperty("digest").GetString()!["sha256:".Length..];
        return Path.Combine(BlobRoot, digest[..2], digest, "data");
    }
}
