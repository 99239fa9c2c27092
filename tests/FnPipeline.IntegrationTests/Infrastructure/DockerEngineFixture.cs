using Docker.DotNet;

namespace FnPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Connects to the engine (DOCKER_HOST, else unix:///var/run/docker.sock) and checks the test images.
/// Without them it fails with the reason and the command that fixes it: Docker tests never skip.
/// On dispose it fails if a container of this run is left behind.
/// </summary>
public sealed class DockerEngineFixture : IAsyncLifetime
{
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    private DockerClient? _client;
    private bool _engineAnswered;

    public Uri Endpoint { get; } = new(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : DefaultEndpoint);

    public DockerClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        _client = new DockerClientBuilder().WithEndpoint(Endpoint).Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _client.System.PingAsync(timeout.Token);
            _engineAnswered = true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"No Docker engine answers at {Endpoint} ({e.GetType().Name}: {e.Message}). " +
                "Start one with 'sudo bash scripts/docker-up.sh', or run everything with 'bash scripts/test.sh'. " +
                "Docker tests fail rather than skip without an engine.",
                e);
        }

        var missing = new List<string>();
        foreach (string image in TestImages.All)
        {
            if (!await Images.ExistsAsync(Client, image))
            {
                missing.Add(image);
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Test images missing on {Endpoint}: {string.Join(", ", missing)}. Build them with 'bash scripts/build-images.sh'.");
        }
    }

    public async Task DisposeAsync()
    {
        if (_client is null)
        {
            return;
        }

        try
        {
            if (!_engineAnswered)
            {
                return;
            }

            IReadOnlyList<string> leftovers = await WaitForNoContainersAsync(TimeSpan.FromSeconds(10));
            if (leftovers.Count > 0)
            {
                throw new InvalidOperationException(
                    $"Tests left {leftovers.Count} container(s) labelled {TestRun.RunLabel}: {string.Join(", ", leftovers.Select(id => id[..Math.Min(12, id.Length)]))}. Remove them with 'docker rm -f', then fix the test that leaked them.");
            }
        }
        finally
        {
            _client.Dispose();
        }
    }

    // --rm removal finishes in the engine shortly after a container exits: poll, bounded.
    private async Task<IReadOnlyList<string>> WaitForNoContainersAsync(TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            IReadOnlyList<string> ids = await Containers.ListByLabelAsync(Client, TestRun.RunLabel);
            if (ids.Count == 0 || DateTime.UtcNow > deadline)
            {
                return ids;
            }

            await Task.Delay(200);
        }
    }
}
