using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>
/// The engine for the Docker tests (DOCKER_HOST, else the default socket): fails every test with the fixing command
/// when the engine or the test images are missing (never skips), and fails the run if a labelled container is left.
/// </summary>
public sealed class EngineFixture : IAsyncLifetime
{
    private DockerClient? _client;
    private bool _answered;

    public Uri Endpoint { get; } = new(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock");

    public DockerClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        _client = new DockerClientBuilder().WithEndpoint(Endpoint).Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _client.System.PingAsync(timeout.Token);
            _answered = true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"No Docker engine answers at {Endpoint} ({e.Message}). Start one with 'sudo bash scripts/docker-up.sh', or run 'bash scripts/test.sh'.", e);
        }

        foreach (var image in TestImages.All)
        {
            try
            {
                await _client.Images.InspectImageAsync(image);
            }
            catch (DockerImageNotFoundException)
            {
                throw new InvalidOperationException($"Test image {image} is missing on {Endpoint}. Build it with 'bash scripts/build-images.sh'.");
            }
        }
    }

    /// <summary>Containers of this run that exist now.</summary>
    public async Task<IReadOnlyList<string>> RunContainersAsync()
    {
        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [TestRun.RunLabel] = true } },
        };
        var containers = await Client.Containers.ListContainersAsync(parameters);
        return containers.Select(c => c.ID).ToList();
    }

    public async Task DisposeAsync()
    {
        if (_client is null)
        {
            return;
        }

        try
        {
            if (!_answered)
            {
                return;
            }

            var deadline = DateTime.UtcNow.AddSeconds(15);
            IReadOnlyList<string> left;
            while ((left = await RunContainersAsync()).Count > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            if (left.Count > 0)
            {
                throw new InvalidOperationException(
                    $"fnpipe tests left {left.Count} container(s) labelled {TestRun.RunLabel}: {string.Join(", ", left.Select(id => id[..12]))}");
            }
        }
        finally
        {
            _client.Dispose();
        }
    }
}

/// <summary>Engine tests share one <see cref="EngineFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollectionDefinition : ICollectionFixture<EngineFixture>
{
    public const string Name = "fnpipe on the engine";
}
