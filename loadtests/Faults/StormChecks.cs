using System.Diagnostics;
using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.LoadTests.Faults;

/// <summary>One end-of-run check: the run fails (exit code 1) when any did not pass.</summary>
internal sealed record CheckResult(string Name, bool Passed, string Detail);

/// <summary>
/// The storm's verdict: what the calls' records say (answers in bounds, no 500s, the expected outcome for each kind),
/// and what the executor and the engine hold at the end (pool slots and gauges, containers, socket directories).
/// </summary>
internal static class StormChecks
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static IReadOnlyList<CheckResult> FromRecords(IReadOnlyList<CallRecord> records, int plannedCalls)
    {
        var hung = records.Where(r => r.Hung).ToList();
        var serverErrors = records.Where(r => r.IsServerError).ToList();
        var unexpected = records.Where(r => !r.AsExpected).ToList();
        return
        [
            new("every planned call was made", records.Count == plannedCalls, $"{records.Count} of {plannedCalls} calls made"),
            new("no call took longer than its bound (hangs)", hung.Count == 0, hung.Count == 0
                ? $"0 hangs; slowest against its bound: {Slowest(records)}"
                : $"{hung.Count} hang(s): " + string.Join("; ", hung.Take(5).Select(Describe))),
            new("no status 500 / engine failure", serverErrors.Count == 0, serverErrors.Count == 0
                ? "0"
                : $"{serverErrors.Count}: " + string.Join("; ", serverErrors.Take(5).Select(Describe))),
            new("every call answered as its kind expects", unexpected.Count == 0, unexpected.Count == 0
                ? "all as expected"
                : $"{unexpected.Count} unexpected: " + string.Join(", ", unexpected
                    .GroupBy(r => $"{r.Kind} {r.Lane}: {r.Status}")
                    .OrderByDescending(g => g.Count())
                    .Select(g => $"{g.Count()} x {g.Key}"))),
        ];
    }

    /// <summary>While the executor still runs: its cold slots and the queued / cold containers gauges back to 0.</summary>
    public static async Task<CheckResult> SlotsReleasedAsync(FnExecutor executor, GaugeListener gauges, TimeSpan wait, CancellationToken cancellationToken)
    {
        var released = await UntilAsync(
            () => executor.ColdContainersInUse == 0
                && gauges.Value(GaugeListener.Queued) == 0
                && gauges.Value(GaugeListener.Containers, "default") == 0,
            wait,
            cancellationToken);
        return new("no pool slot or gauge left (after the calls)", released,
            $"cold containers in use {executor.ColdContainersInUse}; {gauges.Describe()}" + (released ? "" : $" (still after {wait.TotalSeconds:0} s)"));
    }

    /// <summary>After the executor's disposal: every containers gauge at 0.</summary>
    public static CheckResult GaugesZero(GaugeListener gauges) =>
        new("containers gauge 0 after disposal", gauges.Value(GaugeListener.Containers) == 0 && gauges.Value(GaugeListener.Queued) == 0, gauges.Describe());

    /// <summary>After the executor's disposal: no container labelled with its instance id, running or not.</summary>
    public static async Task<CheckResult> NoContainersAsync(DockerClient docker, string instanceId, TimeSpan wait, CancellationToken cancellationToken)
    {
        IList<ContainerListResponse> left = [];
        await UntilAsync(async () => (left = await ListAsync(docker, instanceId, cancellationToken)).Count == 0, wait, cancellationToken);
        return new($"no container left on the engine (label fnpipeline.instance={instanceId})", left.Count == 0, left.Count == 0
            ? "0"
            : $"{left.Count} left after {wait.TotalSeconds:0} s: " + string.Join(", ", left.Take(10).Select(c => $"{c.ID[..12]} {c.State} ({c.Status})")));
    }

    /// <summary>
    /// After the executor's disposal: no hot container's socket directory (<c>iofs-*</c>) left in its socket base
    /// directory. The owner lock and its marker directory (<c>fnpipeline-owner-*</c>) are not counted: they stay when
    /// the engine still listed a container at disposal, for a reaper to finish.
    /// </summary>
    public static async Task<CheckResult> NoSocketDirectoriesAsync(string baseDirectory, TimeSpan wait, CancellationToken cancellationToken)
    {
        string[] left = [];
        await UntilAsync(() => (left = Directory.Exists(baseDirectory) ? Directory.GetDirectories(baseDirectory, "iofs-*") : []).Length == 0, wait, cancellationToken);
        return new($"no socket directory left (under {baseDirectory})", left.Length == 0, left.Length == 0
            ? "0"
            : $"{left.Length} left: " + string.Join(", ", left.Take(10).Select(Path.GetFileName)));
    }

    private static Task<IList<ContainerListResponse>> ListAsync(DockerClient docker, string instanceId, CancellationToken cancellationToken) =>
        docker.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"fnpipeline.instance={instanceId}"] = true },
                },
            },
            cancellationToken);

    private static Task<bool> UntilAsync(Func<bool> condition, TimeSpan wait, CancellationToken cancellationToken) =>
        UntilAsync(() => Task.FromResult(condition()), wait, cancellationToken);

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan wait, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (clock.Elapsed >= wait || cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(Poll, CancellationToken.None);
        }
    }

    private static string Slowest(IReadOnlyList<CallRecord> records) =>
        records.Count == 0 ? "-" : Describe(records.MaxBy(r => r.LatencyMs / r.BoundMs)!);

    private static string Describe(CallRecord r) => string.Create(CultureInfo.InvariantCulture,
        $"#{r.Sequence} {r.Kind} {r.Lane} {r.LatencyMs / 1000:0.00} s (bound {r.BoundMs / 1000:0.#} s) {r.Status}");
}
