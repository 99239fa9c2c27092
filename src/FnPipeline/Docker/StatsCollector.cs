using System.Collections.Immutable;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// Streams a running container's stats (the engine sends a frame about every second) into a growing list of samples.
/// The loop never throws: it ends when stopped, when the container exits (the engine closes the stream), or on an
/// engine error, which is logged at debug level.
/// </summary>
internal sealed class StatsCollector : IProgress<ContainerStatsResponse>, IDisposable
{
    private static readonly ContainerStatsParameters Streaming = new() { Stream = true };

    private readonly IDockerClient _client;
    private readonly string _containerId;
    private readonly ILogger _logger;
    private readonly TimeSpan _delay;
    private readonly TimeProvider _time;

    private readonly CancellationTokenSource _stop = new();
    private ImmutableList<ContainerStatsSample> _samples = [];
    private Task _loop = Task.CompletedTask;
    private int _stopped;

    /// <summary>A collector for <paramref name="containerId"/>; <paramref name="delay"/> is how long the container runs
    /// before the stream opens (0: at once; infinite: never).</summary>
    public StatsCollector(IDockerClient client, string containerId, ILogger logger, TimeSpan delay = default, TimeProvider? time = null)
    {
        _client = client;
        _containerId = containerId;
        _logger = logger;
        _delay = delay;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A snapshot of the samples so far (single writer; readers see an immutable list).</summary>
    public IReadOnlyList<ContainerStatsSample> Samples => Volatile.Read(ref _samples);

    /// <summary>Starts streaming off the caller's stack: start must not wait for the first frame.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Stops the stream (idempotent) and completes when the loop has ended; never throws.</summary>
    public Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _stop.Cancel();
        }

        return _loop;
    }

    /// <summary>Releases the stop source; only after <see cref="StopAsync"/> has completed.</summary>
    public void Dispose() => _stop.Dispose();

    public void Report(ContainerStatsResponse value)
    {
        if (StatsSampler.ToSample(value) is { } sample)
        {
            Volatile.Write(ref _samples, _samples.Add(sample));
        }
    }

    private async Task RunAsync()
    {
        try
        {
            if (_delay != TimeSpan.Zero)
            {
                // A call that ends first never opens the stream (infinite: never): the engine's first sample takes ~1 s.
                await Task.Delay(_delay, _time, _stop.Token).ConfigureAwait(false);
            }

            await _client.Containers.GetContainerStatsAsync(_containerId, Streaming, this, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped: the normal end.
        }
#pragma warning disable CA1031 // Stats are best effort: a failure here must never fail the call.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DockerLog.StatsStopped(_logger, new TruncatedId(_containerId), e);
        }
    }
}
