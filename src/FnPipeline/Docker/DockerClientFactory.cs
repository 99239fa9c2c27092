using Docker.DotNet;
using Docker.DotNet.LegacyHttp;
using FnPipeline.Docker.Engine;

namespace FnPipeline.Docker;

/// <summary>Creates the engine client for a discovered <see cref="EngineEndpoint"/> (<see cref="EngineDiscovery"/>).</summary>
internal static class DockerClientFactory
{
    public const string DefaultEndpoint = "unix://" + EngineDiscovery.RootfulSocket;

    /// <summary>The engine that <paramref name="configured"/> or this process's environment names.</summary>
    public static EngineEndpoint Discover(string? configured) => EngineDiscovery.FromProcess().Resolve(configured);

    /// <summary>A client for the engine that <paramref name="options"/> (or, by default, the environment) names.</summary>
    public static DockerClient Create(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create((options.EngineDiscovery ?? EngineDiscovery.FromProcess()).Resolve(options.DockerEndpoint));
    }

    public static DockerClient Create(EngineEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var builder = new DockerClientBuilder().WithEndpoint(endpoint.Uri);
        if (endpoint.Tls is not { } tls)
        {
            // The builder picks the transport from the scheme (unix, npipe, tcp/http).
            return builder.Build();
        }

        // TLS: the legacy transport with our certificates; the provider switches it to https. Not the native one: its
        // hijacked attach stream over TLS cannot be read once stdin is closed ("Stream does not support reading").
        var handler = new EngineTlsHandler(tls);
        return builder.WithAuthProvider(handler)
            .WithTransportOptions(new LegacyHttpTransportOptions { ConfigureHandler = handler.Configure })
            .Build();
    }
}
