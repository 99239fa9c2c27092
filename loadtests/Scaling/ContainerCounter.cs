using Docker.DotNet;
using FnPipeline.Testing.Engine;

namespace FnPipeline.LoadTests.Scaling;

/// <summary>
/// Counts an executor's containers on the engine by its instance label while a pass runs: every container seen (by id)
/// and the most listed at once. A sample every 200 ms; a container that lived less than that between two samples can
/// be missed by the sampling, never by the final listing of <see cref="StopAsync"/> (nothing is removed while a
/// level runs: the idle timeout outlasts it).
/// </summary>
internal sealed class ContainerCounter : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly DockerClient _client;
    private readonly string _label;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private int _maxAtOnce;

    private ContainerCounter(DockerClient client, string label)
    {
        _client = client;
        _label = label;
        _sampling = SampleAsync();
    }

    public static ContainerCounter Start(DockerClient client, string label) => new(client, label);

    /// <summary>Stops sampling and takes one last listing.</summary>
    public async Task<ContainerCount> StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _sampling;
        await SampleOnceAsync(cancellationToken);
        return new ContainerCount(_seen.Count, _maxAtOnce);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await SampleOnceAsync(_stop.Token);
                await Task.Delay(Interval, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task SampleOnceAsync(CancellationToken cancellationToken)
    {
        var ids = await Containers.ListByLabelAsync(_client, _label, cancellationToken);
        _maxAtOnce = Math.Max(_maxAtOnce, ids.Count);
        _seen.UnionWith(ids);
    }
}

/// <summary>Containers one level used: every one seen, and the most there were at once.</summary>
internal readonly record struct ContainerCount(int Used, int MaxAtOnce);
