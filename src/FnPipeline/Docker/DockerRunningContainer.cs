using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Driver;

namespace FnPipeline.Docker;

/// <summary>
/// A started container: its exit wait, output pump and stats. The exit is computed once, on the handle's lifetime
/// token, and every <see cref="WaitAsync"/> waits for that one computation, so cancelling a caller's token abandons that
/// caller's wait only.
/// </summary>
internal sealed class DockerRunningContainer : IRunningContainer
{
    private readonly DockerDriverContext _context;
    private readonly string _containerId;
    private readonly Task<ContainerWaitResponse> _engineWait;
    private readonly OutputPump _pump;
    private readonly StatsCollector _stats;
    private readonly CancellationToken _lifetime;
    private readonly Lock _gate = new();
    private Task<ContainerExit>? _exit;

    public DockerRunningContainer(
        DockerDriverContext context,
        string containerId,
        Task<ContainerWaitResponse> engineWait,
        OutputPump pump,
        StatsCollector stats,
        CancellationToken lifetime)
    {
        _context = context;
        _containerId = containerId;
        _engineWait = engineWait;
        _pump = pump;
        _stats = stats;
        _lifetime = lifetime;
    }

    public IReadOnlyList<ContainerStatsSample> Stats => _stats.Samples;

    public Task<ContainerExit> WaitAsync(CancellationToken cancellationToken = default) =>
        ExitTask().WaitAsync(cancellationToken);

    /// <summary>Waits for every background part to end, swallowing their failures (for disposal).</summary>
    public async Task DrainAsync()
    {
        await Task.WhenAll(_engineWait, _pump.Completion, _pump.InputCompletion)
            .ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            .ConfigureAwait(false);
        await _stats.StopAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _exit) is { } exit)
        {
            await exit.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false);
        }

        _stats.Dispose();
    }

    private Task<ContainerExit> ExitTask()
    {
        lock (_gate)
        {
            return _exit ??= CompleteAsync();
        }
    }

    private async Task<ContainerExit> CompleteAsync()
    {
        var wait = await _context.Engine.RunAsync($"wait for container {_containerId}", _ => _engineWait, _lifetime).ConfigureAwait(false);
        await _pump.Completion.ConfigureAwait(false);
        await _stats.StopAsync().ConfigureAwait(false);
        if (_pump.ReadError is { } readError)
        {
            _lifetime.ThrowIfCancellationRequested();
            throw _context.Engine.Failure($"read the output of container {_containerId}", readError);
        }

        // A clean exit needs no inspect (one engine round trip less on the common path); any other code may hide an
        // OOM kill (not only 137: the killed process may be a child), so ask the engine.
        var oomKilled = wait.StatusCode != 0 && await IsOomKilledAsync().ConfigureAwait(false);
        var exit = new ContainerExit(wait.StatusCode, oomKilled, _pump.OutputLimitExceeded);
        DockerLog.ContainerExited(_context.Logger, new TruncatedId(_containerId), exit.ExitCode, exit.OomKilled, exit.OutputLimitExceeded);
        return exit;
    }

    private async Task<bool> IsOomKilledAsync()
    {
        return await _context.Engine.RunAsync($"inspect container {_containerId}", InspectOnceAsync, _lifetime).ConfigureAwait(false);

        async Task<bool> InspectOnceAsync(CancellationToken token)
        {
            try
            {
                var inspect = await _context.Client.Containers.InspectContainerAsync(_containerId, token).ConfigureAwait(false);
                return inspect.State?.OOMKilled ?? false;
            }
            catch (DockerApiException e) when (DockerErrors.IsNotFound(e))
            {
                return false;
            }
        }
    }
}
