using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Tracking;

namespace FnPipeline.Docker;

/// <summary>
/// Creates containers without leaking them. A create request is never cancelled mid-flight: dockerd finishes a create
/// whose client went away, and a container created after we gave up would leak. It gets its own bound instead; when
/// the connection breaks or the bound passes, the container is removed by its (unique) name, since the engine may have
/// created it anyway. Callers honour their own token right after and remove what was created.
/// </summary>
internal static class ContainerCreator
{
    /// <summary>Bound on one create request.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string Operation = "create container";

    /// <summary>Creates the container and starts tracking it (<paramref name="kind"/>) until the engine confirms it gone.</summary>
    public static async Task<string> CreateAsync(DockerDriverContext context, CreateContainerParameters parameters, string kind)
    {
        using var bounded = new CancellationTokenSource(Timeout, context.Time);
        try
        {
            var created = await context.Engine.RunAsync(
                Operation, token => context.Client.Containers.CreateContainerAsync(parameters, token), bounded.Token).ConfigureAwait(false);
            context.Tracker.Track(created.ID, kind);
            return created.ID;
        }
        catch (Exception e) when (e is OperationCanceledException || e is FnEngineException { InnerException: not DockerApiException })
        {
            // No answer (an answer means the engine decided, and an error answer created nothing).
            if (parameters.Name is { Length: > 0 } name)
            {
                // Tracked by name until the engine confirms it gone; retried while the engine is away.
                await context.Tracker.RemoveAsync(name, kind).ConfigureAwait(false);
            }

            if (e is OperationCanceledException)
            {
                throw context.Engine.Failure(Operation, new TimeoutException($"no answer within {Timeout.TotalSeconds:0} s", e));
            }

            throw;
        }
    }
}
