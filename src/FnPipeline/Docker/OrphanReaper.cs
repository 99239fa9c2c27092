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
    public static async Task<int> ReapAsync(
        IDockerClient client,
        ContainerRemover remover,
        string instanceId,
        string? extraLabelFilter = null,
        CancellationToken cancellationToken = default)
    {
        var orphans = await ListOrphansAsync(client, instanceId, extraLabelFilter, cancellationToken).ConfigureAwait(false);
        var removed = await Task.WhenAll(orphans.Select(remover.RemoveAsync)).ConfigureAwait(false);
        return removed.Count(ok => ok);
    }

    /// <summary>Orphans' ids; <paramref name="extraLabelFilter"/> (<c>key=value</c>) narrows the search, e.g. to one test run.</summary>
    public static async Task<IReadOnlyList<string>> ListOrphansAsync(
        IDockerClient client,
        string instanceId,
        string? extraLabelFilter = null,
        CancellationToken cancellationToken = default)
    {
        var labels = new Dictionary<string, bool> { [$"{DockerLabels.Managed}=true"] = true };
        if (!string.IsNullOrEmpty(extraLabelFilter))
        {
            labels[extraLabelFilter] = true;
        }

        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        };
        var containers = await client.Containers.ListContainersAsync(parameters, cancellationToken).ConfigureAwait(false);
        return containers
            .Where(c => c.Labels is null || !c.Labels.TryGetValue(DockerLabels.Instance, out var owner) || owner != instanceId)
            .Select(c => c.ID)
            .ToList();
    }
}
