using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// Waits for a started container's Docker healthcheck to report <c>healthy</c> (Fn's seed <c>awaitHealthcheck</c>).
/// A container without a healthcheck (no <c>State.Health</c>) or one that already stopped returns at once; an
/// <c>unhealthy</c> one keeps being polled until the token ends, as in Fn.
/// </summary>
internal static class HealthcheckWaiter
{
    public static async Task WaitAsync(
        IDockerClient client,
        string containerId,
        TimeSpan pollInterval,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var inspect = await client.Containers.InspectContainerAsync(containerId, cancellationToken).ConfigureAwait(false);
            var health = inspect.State?.Health?.Status;
            if (string.IsNullOrEmpty(health) || health == "healthy" || inspect.State is { Running: false })
            {
                return;
            }

            DockerLog.WaitingForHealth(logger, new TruncatedId(containerId), health);
            await Task.Delay(pollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
