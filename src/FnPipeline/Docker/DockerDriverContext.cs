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
    ILogger Logger);
