using Docker.DotNet;
using Xunit;

namespace FnPipeline.Testing.Engine;

/// <summary>
/// The engine of every Docker test (DOCKER_HOST, else unix:///var/run/docker.sock): it fails every test with the reason
/// and the fixing command when the engine or a test image is missing (Docker tests never skip), and on dispose fails
/// the run if a container labelled with this run's <see cref="TestRun.RunLabel"/> is left behind. A test project shares
/// it through a collection definition of its own (xunit finds those only in the test assembly).
/// </summary>
public sealed class EngineFixture : IAsyncLifetime
{
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>How long dispose waits for <c>--rm</c> removals and background removals to finish before it calls a container leaked.</summary>
    public static readonly TimeSpan LeakCheckTimeout = TimeSpan.FromSeconds(15);

    private DockerClient? _client;
    private bool _engineAnswered;

    public static Uri DefaultUri { get; } = new(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : DefaultEndpoint);

    public Uri Endpoint { get; } = DefaultUri;

    public DockerClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A new client on the same engine (the caller disposes it).</summary>
    public static DockerClient CreateClient() => new DockerClientBuilder().WithEndpoint(DefaultUri).Build();

    public async Task InitializeAsync()
    {
        _client = CreateClient();
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
        foreach (var image in TestImages.All)
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

    /// <summary>Containers of this run that exist now (running or not).</summary>
    public Task<IReadOnlyList<string>> RunContainersAsync(CancellationToken cancellationToken = default) =>
        Containers.ListByLabelAsync(Client, TestRun.RunLabel, cancellationToken);

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

            IReadOnlyList<string> leftovers = [];
            try
            {
                await Eventually.HoldsAsync(async () => (leftovers = await RunContainersAsync()).Count == 0, LeakCheckTimeout, "no container of this run remains");
            }
            catch (TimeoutException)
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
}
