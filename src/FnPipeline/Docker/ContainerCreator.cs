using Docker.DotNet.Models;

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

    public static async Task<string> CreateAsync(DockerDriverContext context, CreateContainerParameters parameters)
    {
        using var bounded = new CancellationTokenSource(Timeout, context.Time);
        try
        {
            var created = await context.Client.Containers.CreateContainerAsync(parameters, bounded.Token).ConfigureAwait(false);
            return created.ID;
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            if (parameters.Name is { Length: > 0 } name)
            {
                await context.Remover.RemoveAsync(name).ConfigureAwait(false);
            }

            throw;
        }
    }
}
