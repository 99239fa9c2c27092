using System.Diagnostics.CodeAnalysis;
using FnPipeline.Driver;
using FnPipeline.Protocol;

namespace FnPipeline.HotPool;

/// <summary>
/// One hot container: its engine handle, socket directory, HTTP client, output, timers and state. Serves one call
/// at a time. State changes happen under <see cref="_gate"/>; the lock order is container, then pool, and nothing
/// outside this class (engine calls, cancellation callbacks) runs under it. Removal is idempotent and gives the
/// container's place back to its pool and to the executor-wide budget exactly once.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "RemoveAsync is the single, idempotent end of a container and disposes its fields; calls borrow containers from the pool and must never dispose them.")]
internal sealed partial class HotContainer
{
    private readonly HotPoolContext _context;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private HotContainerState _state = HotContainerState.Starting;
    private IContainerHandle? _handle;
    private Task<ContainerExit>? _exit;
    private ContainerExit? _exitInfo;
    private Exception? _stateError;
    private Task? _removal;

    public HotContainer(HotPoolContext context, FunctionPool pool, SocketDirectory directory, TimeSpan idleTimeout)
    {
        _context = context;
        Pool = pool;
        Directory = directory;
        IdleTimeout = idleTimeout;
        Name = $"fnpipeline-{context.Specs.InstanceId}-hot-{directory.Id}";
        ShortName = "hot-" + directory.Id;
        Output = new HotContainerOutput(ShortName, context.OutputLog, context.Settings.MaxStderrBytes, context.Time);
        _idleTimer = context.Time.CreateTimer(static s => ((HotContainer)s!).OnIdleTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _callTimer = context.Time.CreateTimer(static s => ((HotContainer)s!).OnCallTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        context.Containers.TryAdd(this, 0);
    }

    /// <summary>The engine's container name.</summary>
    public string Name { get; }

    /// <summary>Short name for logs: <c>hot-</c> and the socket directory id.</summary>
    public string ShortName { get; }

    /// <summary>The engine's container id, once created.</summary>
    public string? Id => Volatile.Read(ref _handle)?.Id;

    public FunctionPool Pool { get; }

    public SocketDirectory Directory { get; }

    public TimeSpan IdleTimeout { get; }

    public HotContainerOutput Output { get; }

    /// <summary>The container's client, set once it listens.</summary>
    public HttpStreamClient? Client { get; private set; }

    public HotContainerState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Takes ownership of the created engine container; <c>false</c> if removal already began (dispose it).</summary>
    public bool AttachHandle(IContainerHandle handle)
    {
        lock (_gate)
        {
            if (_removal is not null)
            {
                return false;
            }

            _handle = handle;
            return true;
        }
    }

    /// <summary>Starts watching for the container's exit; returns the exit task (it completes once output is read).</summary>
    public Task<ContainerExit> AttachRunning(IRunningContainer running)
    {
        var exit = running.WaitAsync(_lifetime.Token);
        lock (_gate)
        {
            _exit = exit;
        }

        _context.Background.Track(ObserveExitAsync(exit));
        return exit;
    }

    /// <summary>The container listens: it gets its client and waits for its first call or the pool.</summary>
    public void MarkReady(HttpStreamClient client)
    {
        Client = client;
        Output.EndStartup();
        lock (_gate)
        {
            if (_state == HotContainerState.Starting)
            {
                _state = HotContainerState.Ready;
            }
        }
    }

    /// <summary>A launched container goes straight to the call that launched it.</summary>
    public bool TryTakeReady()
    {
        lock (_gate)
        {
            if (_state != HotContainerState.Ready || HasEnded)
            {
                return false;
            }

            _state = HotContainerState.Busy;
            return true;
        }
    }

    /// <summary>
    /// Waits briefly for the engine to report an exit (after a broken call); <c>null</c> if it did not. Throws the
    /// engine's error when the container's state could not be read: that is no exit.
    /// </summary>
    public async Task<ContainerExit?> WaitForExitAsync(TimeSpan grace)
    {
        Task<ContainerExit>? exit;
        lock (_gate)
        {
            exit = _exit;
        }

        if (exit is null)
        {
            return null;
        }

        try
        {
            return await exit.WaitAsync(grace, _context.Time).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    private async Task ObserveExitAsync(Task<ContainerExit> exit)
    {
        ContainerExit info;
        try
        {
            info = await exit.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Removal stopped the watch.
            return;
        }
        catch (Exception ex)
        {
            // Not an exit: the engine could not say. The container may well still run; it is replaced, not reported.
            OnStateLost(ex);
            return;
        }

        OnExited(info);
    }

    /// <summary>Exited, or its state is unknown: either way it takes no more calls.</summary>
    private bool HasEnded => _exitInfo is not null || _stateError is not null;

    private void OnStateLost(Exception error)
    {
        bool wasIdle;
        lock (_gate)
        {
            if (_removal is not null)
            {
                return;
            }

            _stateError = error;
            wasIdle = _state == HotContainerState.Idle && Pool.TryRemoveIdle(this);
        }

        HotPoolLog.StateLost(_context.Logger, ShortName, error.Message);

        // A busy or starting container is replaced by whoever holds it; an idle one gives its place back now.
        if (wasIdle)
        {
            _context.Background.Track(RemoveAsync("its state could not be read from the engine"));
        }
    }

    private void OnExited(ContainerExit exit)
    {
        bool wasIdle;
        lock (_gate)
        {
            _exitInfo = exit;
            wasIdle = _state == HotContainerState.Idle && Pool.TryRemoveIdle(this);
        }

        // Busy, ready or starting containers are handled by whoever holds them; only an idle one is ours to remove.
        if (wasIdle)
        {
            HotPoolLog.ExitedWhileIdle(_context.Logger, ShortName, exit.ExitCode);
            _context.Background.Track(RemoveAsync("exited while idle"));
        }
    }
}
