using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.LoadTests.Faults;

/// <summary>
/// Kills a kill call's container through the engine, as an operator's <c>docker kill</c> or the OOM killer would:
/// waits until the container (found by the executor's instance label and the call's target label) runs — for a hot
/// container, until its <c>lsnr.sock</c> exists so the request is on its way — then <see cref="KillDelay"/>, then
/// kills it.
/// </summary>
internal sealed class ContainerKiller(DockerClient docker, string instanceId)
{
    /// <summary>After the function is up: long enough for the call to have reached it.</summary>
    public static readonly TimeSpan KillDelay = TimeSpan.FromMilliseconds(300);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Kills the container of <paramref name="target"/> once it serves the call; says what happened.</summary>
    /// <param name="callDone">Completes when the call has been answered: nothing left to kill.</param>
    public async Task<string> KillAsync(string target, Task callDone, CancellationToken cancellationToken)
    {
        try
        {
            return await KillWhenServingAsync(target, callDone, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return "not killed: the run stopped";
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or TimeoutException)
        {
            return $"not killed: the engine failed ({ex.GetType().Name}: {ex.Message})";
        }
    }

    private async Task<string> KillWhenServingAsync(string target, Task callDone, CancellationToken cancellationToken)
    {
        while (!callDone.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            var container = await FindRunningAsync(target, cancellationToken);
            if (container is not null && (!(container.Labels?.TryGetValue("fnpipeline.format", out var format) == true && format == "http-stream") || SocketReady(container)))
            {
                await Task.WhenAny(callDone, Task.Delay(KillDelay, cancellationToken));
                if (callDone.IsCompleted)
                {
                    return "missed: the call ended before the kill";
                }

                try
                {
                    await docker.Containers.KillContainerAsync(container.ID, new ContainerKillParameters(), cancellationToken);
                    return "killed";
                }
                catch (DockerApiException ex)
                {
                    return $"kill failed: {ex.StatusCode} {ex.ResponseBody?.Trim()}";
                }
            }

            await Task.WhenAny(callDone, Task.Delay(Poll, cancellationToken));
        }

        return "missed: the call ended before its container ran";
    }

    private async Task<ContainerListResponse?> FindRunningAsync(string target, CancellationToken cancellationToken)
    {
        var containers = await docker.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = false,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool>
                    {
                        [$"fnpipeline.instance={instanceId}"] = true,
                        [$"{FaultCalls.TargetLabel}={target}"] = true,
                    },
                    ["status"] = new Dictionary<string, bool> { ["running"] = true },
                },
            },
            cancellationToken);
        return containers.Count > 0 ? containers[0] : null;
    }

    /// <summary>A hot container's socket directory is bound at /tmp/iofs; the function has bound once lsnr.sock exists.</summary>
    private static bool SocketReady(ContainerListResponse container) =>
        container.Mounts?.FirstOrDefault(m => m.Destination == "/tmp/iofs") is { } mount
        && File.Exists(Path.Combine(mount.Source, "lsnr.sock"));
}
