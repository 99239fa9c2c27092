using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>What every handle of one driver shares: the engine client, the bounded remover, settings, time and logger.</summary>
internal sealed record DockerDriverContext(
    IDockerClient Client,
    ContainerRemover Remover,
    DockerDriverSettings Settings,
    TimeProvider Time,
    ILogger Logger);
