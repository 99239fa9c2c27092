using Docker.DotNet;

namespace FnPipeline.Cli.Gateway;

/// <summary>Pings the engine for <c>GET /health</c>, bounded by a short timeout.</summary>
internal sealed class EngineProbe(Uri endpoint) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly DockerClient _client = new DockerClientBuilder().WithEndpoint(endpoint).Build();

    public Uri Endpoint { get; } = endpoint;

    /// <summary><c>null</c> when the engine answered; otherwise why not.</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await _client.System.PingAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the engine at {Endpoint} did not answer within {Timeout.TotalSeconds:F0} s";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or DockerApiException or TimeoutException)
        {
            return $"the engine at {Endpoint} is unreachable: {e.Message}";
        }
    }

    public void Dispose() => _client.Dispose();
}
