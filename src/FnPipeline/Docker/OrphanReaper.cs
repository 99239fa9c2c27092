using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.Docker;

/// <summary>
/// Removes containers that earlier executor instances left behind (Fn's <c>killLeakedContainers</c>): every container,
/// stopped ones included, labelled <c>fnpipeline.managed=true</c> whose <c>fnpipeline.instance</c> is not ours.
/// Removals go through the bounded remover.
/// </summary>
internal static class OrphanReaper
{
    public static async Task<int> ReapAsync(IDockerClient client, ContainerRemover remover, string instanceId, CancellationToken cancellationToken = default)
    {
        var orphans = await ListOrphansAsync(client, instanceId, cancellationToken).ConfigureAwait(false);
        var removed = await Task.WhenAll(orphans.Select(remover.RemoveAsync)).ConfigureAwait(false);
        return removed.Count(ok => ok);
    }

    public static async Task<IReadOnlyList<string>> ListOrphansAsync(IDockerClient client, string instanceId, CancellationToken cancellationToken = default)
    {
        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.Managed}=true"] = true },
            },
        };
        var containers = await client.Containers.ListContainersAsync(parameters, cancellationToken).ConfigureAwait(false);
        return containers
            .Where(c => c.Labels is null || !c.Labels.TryGetValue(DockerLabels.Instance, out var owner) || owner != instanceId)
            .Select(c => c.ID)
            .ToList();
    }
}
