using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.Testing.Engine;

/// <summary>Container queries for tests.</summary>
public static class Containers
{
    /// <summary>Ids of all containers, running or not, that carry <paramref name="label"/> (<c>key</c> or <c>key=value</c>).</summary>
    public static async Task<IReadOnlyList<string>> ListByLabelAsync(DockerClient client, string label, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [label] = true },
            },
        };
        IList<ContainerListResponse> containers = await client.Containers.ListContainersAsync(parameters, cancellationToken);
        return containers.Select(c => c.ID).ToList();
    }

    /// <summary>Ids of the running containers that carry <paramref name="label"/>: the engine has started their process.</summary>
    public static async Task<IReadOnlyList<string>> ListRunningByLabelAsync(DockerClient client, string label, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var parameters = new ContainersListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [label] = true },
                ["status"] = new Dictionary<string, bool> { ["running"] = true },
            },
        };
        IList<ContainerListResponse> containers = await client.Containers.ListContainersAsync(parameters, cancellationToken);
        return containers.Select(c => c.ID).ToList();
    }
}
