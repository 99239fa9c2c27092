using Docker.DotNet;

namespace FnPipeline.Docker.Engine;

/// <summary>
/// The engine probe of a host (health check, start-up check, <c>fnpipe doctor</c>): finds the engine from the options
/// once, keeps one client to it, and reports a bad engine setting as a problem rather than an exception.
/// </summary>
internal sealed class EngineProbeService : IDisposable
{
    private readonly EngineProbe? _probe;
    private readonly DockerClient? _client;
    private readonly EngineProblem? _misconfigured;

    public EngineProbeService(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var discovery = options.EngineDiscovery ?? EngineDiscovery.FromProcess();
            Endpoint = discovery.Resolve(options.DockerEndpoint);
            _client = DockerClientFactory.Create(Endpoint);
            _probe = new EngineProbe(Endpoint, _client, EngineRequirements.From(options));
        }
        catch (Exception e) when (e is EngineDiscoveryException or FormatException or ArgumentException)
        {
            Endpoint = new EngineEndpoint(new Uri(DockerClientFactory.DefaultEndpoint), "not resolved: the engine settings are wrong");
            _misconfigured = new EngineProblem(EngineProblemKind.Misconfigured, e.Message,
                "fix the engine settings named (FNPIPELINE_DOCKER_ENDPOINT, DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG, DOCKER_CERT_PATH; docs/configuration.md)", e);
        }
    }

    /// <summary>The engine found (or the default socket when the settings are wrong).</summary>
    public EngineEndpoint Endpoint { get; }

    /// <summary>Pings the engine and applies the version gate within <paramref name="timeout"/>.</summary>
    public Task<EngineStatus> CheckAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _probe is null
            ? Task.FromResult(new EngineStatus(Endpoint, _misconfigured))
            : _probe.CheckAsync(timeout, cancellationToken);

    /// <summary>The client to the engine (for the doctor's image checks); <c>null</c> when the settings are wrong.</summary>
    public IDockerClient? Client => _client;

    public void Dispose() => _client?.Dispose();
}
