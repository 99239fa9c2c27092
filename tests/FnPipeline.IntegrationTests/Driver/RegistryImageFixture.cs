using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>
/// An image of this test class's own in the local registry of scripts/registry-up.sh (127.0.0.1:5000, fnuser/fnpass):
/// busybox pushed under a unique tag, then removed from the engine, so each pull is real and no other suite's image
/// is touched. <see cref="ForgetAsync"/> removes the engine's copy before a test pulls again.
/// </summary>
public sealed class RegistryImageFixture : IAsyncLifetime
{
    public const string Registry = "127.0.0.1:5000";
    public const string User = "fnuser";
    public const string Password = "fnpass";
    public const string Repository = Registry + "/fnpipeline/driver-it";

    private DockerClient? _client;

    public string Tag { get; } = "run-" + Guid.NewGuid().ToString("N")[..12];

    public string Image => $"{Repository}:{Tag}";

    /// <summary>The pushed manifest's digest (<c>sha256:…</c>).</summary>
    public string Digest { get; private set; } = "";

    public static AuthConfig Auth => new() { Username = User, Password = Password, ServerAddress = Registry };

    public DockerClient Client => _client ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        _client = new DockerClientBuilder().WithEndpoint(new Uri(
            Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : EngineFixture.DefaultEndpoint)).Build();
        await PushAsync(TestImages.Busybox, Tag);
        var inspect = await Client.Images.InspectImageAsync(Image);
        Digest = inspect.RepoDigests.Single(d => d.StartsWith(Repository + "@", StringComparison.Ordinal))[(Repository.Length + 1)..];
        await ForgetAsync();
    }

    public async Task DisposeAsync()
    {
        if (_client is null)
        {
            return;
        }

        await ForgetAsync();
        _client.Dispose();
    }

    /// <summary>Pushes <paramref name="localImage"/> to the test registry as <c>{Repository}:{tag}</c>; returns that reference.</summary>
    public async Task<string> PushAsync(string localImage, string tag)
    {
        var reference = $"{Repository}:{tag}";
        await Client.Images.TagImageAsync(localImage, new ImageTagParameters { RepositoryName = Repository, Tag = tag });
        var progress = new ErrorCollector();
        await Client.Images.PushImageAsync(reference, new ImagePushParameters { Tag = tag }, Auth, progress);
        if (progress.Error is { } error)
        {
            throw new InvalidOperationException(
                $"Pushing {reference} to the test registry failed: {error}. Start it with 'sudo bash scripts/registry-up.sh'.");
        }

        return reference;
    }

    /// <summary>Removes every local name of this fixture's image (tag and digest references), if present.</summary>
    public async Task ForgetAsync()
    {
        foreach (var reference in new[] { Image, $"{Repository}@{Digest}" })
        {
            if (reference.EndsWith('@'))
            {
                continue;
            }

            try
            {
                await Client.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = false, NoPrune = false });
            }
            catch (DockerImageNotFoundException)
            {
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
            }
        }
    }

    public Task<bool> IsPresentAsync(string reference) => Images.ExistsAsync(Client, reference);

    private sealed class ErrorCollector : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value) => Error ??= value.Error?.Message;
    }
}
