using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Ownership;
using FnPipeline.Tracking;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// Removes what dead executors of this host left behind (Fn's <c>killLeakedContainers</c>, made safe for a shared
/// engine): containers whose owner labels name this host and a lock file that exists here and that nobody holds, and
/// the socket directories that owner's markers name. A live executor holds its lock, so nothing of it is touched; a
/// container without owner labels (an older version, another tool, a test's own container) is never considered; an
/// owner of another host, or whose lock file is not on this host, is never judged. The dead owner's lock file goes
/// last, once all of its containers are gone.
/// Removals go through the executor's removal queue (bounded, retried until the engine confirms them gone).
/// </summary>
internal sealed class OrphanReaper(IDockerClient client, ContainerTracker remover, string host, string baseDirectory, ILogger logger)
{
    /// <summary>One pass: finds candidate owners (from the engine's containers and the base directory) and reaps the dead.</summary>
    public async Task<ReapTotals> ReapOnceAsync(CancellationToken cancellationToken)
    {
        var containers = await ListAsync($"{OwnerLabels.Host}={host}", cancellationToken).ConfigureAwait(false);
        var owners = ReapCandidates.Find(containers.Select(c => c.Labels), host, OwnerFiles.Scan(baseDirectory));
        var totals = new ReapTotals();
        foreach (var owner in owners)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                totals = totals.Add(await ReapOwnerAsync(owner, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // One owner's unreadable lock or undeletable directory must not stop the others; its lock file stays.
                ReaperLog.OwnerReapFailed(logger, owner.OwnerId, owner.LockPath, e.Message);
            }
        }

        return totals;
    }

    private async Task<ReapTotals> ReapOwnerAsync(OwnerFiles owner, CancellationToken cancellationToken)
    {
        var state = ExecutorOwner.TryClaim(owner, out var claim);
        using (claim)
        {
            if (state != OwnerState.Free)
            {
                return new ReapTotals();
            }

            // Listed again while holding the lock: the owner is dead, so this list is complete.
            var ids = (await ListAsync($"{OwnerLabels.Owner}={owner.OwnerId}", cancellationToken).ConfigureAwait(false))
                .Where(c => c.Labels is not null && c.Labels.TryGetValue(OwnerLabels.Host, out var h) && h == host)
                .Select(c => c.ID)
                .ToList();
            var removed = await Task.WhenAll(ids.Select(id => remover.RemoveAsync(id))).ConfigureAwait(false);
            var containers = removed.Count(ok => ok);
            var directories = owner.DeleteSocketDirectories();
            if (containers == ids.Count)
            {
                owner.DeleteOwnerFiles();
                ReaperLog.OwnerReaped(logger, owner.OwnerId, containers, directories);
            }
            else
            {
                ReaperLog.OwnerReapIncomplete(logger, owner.OwnerId, ids.Count - containers, owner.LockPath);
            }

            return new ReapTotals(1, containers, directories);
        }
    }

    private Task<IList<ContainerListResponse>> ListAsync(string labelFilter, CancellationToken cancellationToken) =>
        ListManagedAsync(client, labelFilter, cancellationToken);

    /// <summary>Every executor-made container (stopped ones too) that also carries <paramref name="labelFilter"/> (<c>key=value</c>).</summary>
    public static async Task<IList<ContainerListResponse>> ListManagedAsync(IDockerClient client, string labelFilter, CancellationToken cancellationToken)
    {
        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [labelFilter] = true, [$"{DockerLabels.Managed}=true"] = true },
            },
        };
        return await client.Containers.ListContainersAsync(parameters, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What reaping removed: dead owners handled, containers and socket directories removed.</summary>
internal readonly record struct ReapTotals(int Owners, int Containers, int Directories)
{
    public ReapTotals Add(ReapTotals other) => new(Owners + other.Owners, Containers + other.Containers, Directories + other.Directories);
}

/// <summary>Which owners a reaper may judge at all: pure, so that the rules are unit-tested without an engine.</summary>
internal static class ReapCandidates
{
    /// <summary>
    /// Distinct owners named by containers of <paramref name="host"/> whose owner labels have this version's exact
    /// shape, plus the owners whose lock files lie in the reaper's own base directory (their containers may all be
    /// gone while socket directories remain). Containers without owner labels, or of another host, are ignored.
    /// </summary>
    public static IReadOnlyList<OwnerFiles> Find(IEnumerable<IDictionary<string, string>?> containerLabels, string host, IEnumerable<OwnerFiles> scanned)
    {
        var owners = new Dictionary<string, OwnerFiles>(StringComparer.Ordinal);
        foreach (var labels in containerLabels)
        {
            if (labels is null
                || !labels.TryGetValue(OwnerLabels.Host, out var ownerHost) || ownerHost != host
                || !labels.TryGetValue(OwnerLabels.Owner, out var ownerId)
                || !labels.TryGetValue(OwnerLabels.Lock, out var lockPath)
                || OwnerFiles.FromLabels(ownerId, lockPath) is not { } files)
            {
                continue;
            }

            owners.TryAdd(files.LockPath, files);
        }

        foreach (var files in scanned)
        {
            owners.TryAdd(files.LockPath, files);
        }

        return [.. owners.Values];
    }
}
