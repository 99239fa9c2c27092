using Docker.DotNet;
using FnPipeline.Tracking;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>What every handle of one driver shares: the engine client, the executor's removal queue, settings, time and logger.</summary>
internal sealed record DockerDriverContext(
    IDockerClient Client,
    ContainerTracker Tracker,
    DockerDriverSettings Settings,
    TimeProvider Time,
    ILogger Logger)
{
    /// <summary>The engine's requests, each failure an <see cref="FnEngineException"/> naming the endpoint and the operation.</summary>
    public EngineCalls Engine { get; init; } = new("(the supplied client's engine)");
}
