using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Driver;

namespace FnPipeline.Docker;

/// <summary>
/// One created container. Disposal force-removes it through the executor's removal queue (bounded, detached from callers, retried until the engine confirms it, never throwing), then stops the
/// background loops and gives back its pre-fork placeholder or network.
/// </summary>
internal sealed class DockerContainerHandle : IContainerHandle
{
    /// <summary>Fn's bound on pause and unpause.</summary>
    public static readonly TimeSpan PauseTimeout = TimeSpan.FromSeconds(5);

    private static readonly ContainerKillParameters SigKill = new() { Signal = "KILL" };
    private static readonly ContainerStartParameters StartParameters = new();

    private readonly DockerDriverContext _context;
    private readonly Action? _release;
    private readonly bool _mayHaveHealthcheck;
    private readonly CancellationTokenSource _lifetime = new();
    private MultiplexedStream? _attach;
    private DockerRunningContainer? _running;
    private Task _limitKill = Task.CompletedTask;
    private int _started;
    private int _disposed;

    /// <param name="context">The driver's shared engine plumbing.</param>
    /// <param name="id">The created container.</param>
    /// <param name="name">Its name.</param>
    /// <param name="networkMode">The network the driver chose.</param>
    /// <param name="release">Runs once the container is removed (network, pre-fork slot, image in use).</param>
    /// <param name="mayHaveHealthcheck">False when the image is known to have none: start then skips the health poll.</param>
    public DockerContainerHandle(DockerDriverContext context, string id, string name, string networkMode, Action? release, bool mayHaveHealthcheck = true)
    {
        _context = context;
        Id = id;
        Name = name;
        NetworkMode = networkMode;
        _release = release;
        _mayHaveHealthcheck = mayHaveHealthcheck;
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary>The network the driver chose: the spec's, <c>container:&lt;placeholder&gt;</c>, a configured one, or <c>none</c>.</summary>
    public string NetworkMode { get; }

    public async Task<IRunningContainer> AttachAndStartAsync(ContainerIo io, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(io);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"Container {Id} was already started through this handle.");
        }

        // Attach before start: output written in the first instant is not lost. Disposal closes the stream.
        var attachParameters = new ContainerAttachParameters { Stream = true, Stdin = io.Input is not null, Stdout = true, Stderr = true };
        var engine = _context.Engine;
        _attach = await engine.RunAsync(
            $"attach to container {Id}", token => _context.Client.Containers.AttachContainerAsync(Id, attachParameters, token), cancellationToken).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        io.Started?.Invoke();

        // The engine's plain wait (condition not-running; Docker.DotNet cannot ask for next-exit) returns at once, with
        // code 0, for a container that is only created. Registered after a successful start it is race-free instead:
        // an exit that already happened is reported with its real code, since these containers never restart.
        var engineWait = _context.Client.Containers.WaitContainerAsync(Id, _lifetime.Token);
        var stats = new StatsCollector(_context.Client, Id, _context.Logger, _context.Settings.StatsDelay, _context.Time);
        stats.Start();
        var pump = new OutputPump(_attach, io, Id, KillForOutputLimit, _context.Logger);
        pump.Start(_lifetime.Token);
        var running = new DockerRunningContainer(_context, Id, engineWait, pump, stats, _lifetime.Token);
        _running = running;
        if (_mayHaveHealthcheck)
        {
            await engine.RunAsync(
                $"wait for the healthcheck of container {Id}",
                token => HealthcheckWaiter.WaitAsync(_context.Client, Id, _context.Settings.HealthcheckPollInterval, _context.Time, _context.Logger, token),
                cancellationToken).ConfigureAwait(false);
        }

        return running;
    }

    public Task KillAsync(CancellationToken cancellationToken = default) =>
        _context.Engine.RunAsync($"kill container {Id}", KillOnceAsync, cancellationToken);

    public Task PauseAsync(CancellationToken cancellationToken = default) => _context.Engine.RunAsync(
        $"pause container {Id}",
        token => WithPauseTimeoutAsync("pause", (client, bounded) => client.Containers.PauseContainerAsync(Id, bounded), token),
        cancellationToken);

    public Task UnpauseAsync(CancellationToken cancellationToken = default) => _context.Engine.RunAsync(
        $"unpause container {Id}",
        token => WithPauseTimeoutAsync("unpause", (client, bounded) => client.Containers.UnpauseContainerAsync(Id, bounded), token),
        cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Remove first: a live container dies with it, so its streams end on their own rather than by cancellation.
        // The first attempt; if it fails, the removal queue keeps retrying after the handle is gone.
        await _context.Tracker.RemoveAsync(Id).ConfigureAwait(false);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _attach?.Dispose();
        if (_running is { } running)
        {
            await running.DrainAsync().ConfigureAwait(false);
        }

        await _limitKill.ConfigureAwait(false);
        _release?.Invoke();
        _lifetime.Dispose();
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await _context.Engine.RunAsync($"start container {Id}", StartOnceAsync, cancellationToken).ConfigureAwait(false);
        DockerLog.ContainerStarted(_context.Logger, new TruncatedId(Id));
    }

    private async Task StartOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            // false means 304 "already started": as good as started.
            await _context.Client.Containers.StartContainerAsync(Id, StartParameters, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (StartFailures.Map(e, NetworkMode) is { } error)
        {
            throw new FnCallException(error, e);
        }
    }

    private async Task KillOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _context.Client.Containers.KillContainerAsync(Id, SigKill, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (DockerErrors.IsNotFound(e) || DockerErrors.IsConflict(e))
        {
            // Gone, or not running any more: the kill's purpose is already met.
        }
    }

    private void KillForOutputLimit() => _limitKill = KillQuietlyAsync();

    private async Task KillQuietlyAsync()
    {
        try
        {
            await KillAsync(_lifetime.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Runs in the background from the output pump; disposal removes the container anyway.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DockerLog.KillFailed(_context.Logger, new TruncatedId(Id), e);
        }
    }

    private async Task WithPauseTimeoutAsync(string operation, Func<IDockerClient, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(PauseTimeout, _context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await call(_context.Client, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"docker {operation} of container {Id} did not finish within {PauseTimeout.TotalSeconds:F0} s.", e);
        }
    }
}
