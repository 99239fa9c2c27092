using Docker.DotNet;

namespace FnPipeline.Docker;

/// <summary>Creates the engine client from the options: <see cref="FnPipelineOptions.DockerEndpoint"/>, else <c>DOCKER_HOST</c>, else the default socket.</summary>
internal static class DockerClientFactory
{
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>The endpoint the client talks to: configured, then <paramref name="dockerHost"/>, then the default socket.</summary>
    public static Uri ResolveEndpoint(string? configured, string? dockerHost)
    {
        var endpoint = !string.IsNullOrWhiteSpace(configured) ? configured.Trim()
            : !string.IsNullOrWhiteSpace(dockerHost) ? dockerHost.Trim()
            : DefaultEndpoint;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"Docker endpoint '{endpoint}' is not an absolute URI (e.g. {DefaultEndpoint}).");
        }

        return uri;
    }

    public static DockerClient Create(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(ResolveEndpoint(options.DockerEndpoint, Environment.GetEnvironmentVariable("DOCKER_HOST")));
    }

    public static DockerClient Create(Uri endpoint)
    {

        // The builder picks the transport from the scheme (unix, npipe, tcp/http); the fork honours DOCKER_TLS_VERIFY itself.
        return new DockerClientBuilder().WithEndpoint(endpoint).Build();
    }
}
