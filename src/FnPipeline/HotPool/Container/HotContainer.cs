using System.Diagnostics.CodeAnalysis;
using FnPipeline.Driver;
using FnPipeline.Protocol;

namespace FnPipeline.HotPool;

/// <summary>
/// One hot container: its engine handle, socket directory, HTTP client, output, timers and state. Serves one call
/// at a time. State changes happen under <see cref="_gate"/>; the lock order is container, then pool, and nothing
/// outside this class (engine calls, cancellation callbacks) runs under it. It reports its transitions (idle, remove
/// me, place freed) to its <see cref="IHotContainerOwner"/>; removal is idempotent and reports the freed place once.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "RemoveAsync is the single, idempotent end of a container and disposes its fields; calls borrow containers from the pool and must never dispose them.")]
internal sealed partial class HotContainer
{
    private readonly HotPoolContext _context;
    private readonly IHotContainerOwner _owner;
    private readonly object _gate = new();
    private readonly ExitWatch _exitWatch;
    private readonly ContainerPause _pause;
    private readonly IdleClock _idle;
    private HotContainerState _state = HotContainerState.Starting;
    private IContainerHandle? _handle;
    private ContainerExit? _exitInfo;
    private Exception? _stateError;
    private Task? _removal;

    public HotContainer(HotPoolContext context, IHotContainerOwner owner, FunctionPool pool, SocketDirectory directory, TimeSpan idleTimeout)
    {
        _context = context;
        _owner = owner;
        Pool = pool;
        Directory = directory;
        IdleTimeout = idleTimeout;
        Name = $"fnpipeline-{context.Specs.InstanceId}-hot-{directory.Id}";
        ShortName = "hot-" + directory.Id;
        Output = new HotContainerOutput(ShortName, context.OutputLog, context.Settings.MaxStderrBytes, context.Time);
        _exitWatch = new ExitWatch(context.Time);
        Call = new ContainerCall(context.Time, Output);
        _pause = new ContainerPause(context, owner, this);
        _idle = new IdleClock(context.Time, idleTimeout, context.Settings.PauseAfter, static s => ((HotContainer)s!).OnIdleTimer(), this);
    }

    /// <summary>The engine's container name.</summary>
    public string Name { get; }

    /// <summary>Short name for logs: <c>hot-</c> and the socket directory id.</summary>
    public string ShortName { get; }

    /// <summary>The engine's container id, once created.</summary>
    public string? Id => Volatile.Read(ref _handle)?.Id;

    /// <summary>The function's pool this container belongs to (its owner stacks it there).</summary>
    public FunctionPool Pool { get; }

    public SocketDirectory Directory { get; }

    public TimeSpan IdleTimeout { get; }

    public HotContainerOutput Output { get; }

    /// <summary>The call running on it: begin, abort, end.</summary>
    public ContainerCall Call { get; }

    /// <summary>The container's client, set once it listens.</summary>
    public HttpStreamClient? Client { get; private set; }

    /// <summary>Exited, or its state is unknown: either way it takes no more calls.</summary>
    private bool HasEnded => _exitInfo is not null || _stateError is not null;

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
        var exit = _exitWatch.Attach(running);
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
    public Task<ContainerExit?> WaitForExitAsync(TimeSpan grace) => _exitWatch.WaitAsync(grace);

    private async Task ObserveExitAsync(Task<ContainerExit> exit)
    {
        var (info, lost) = await _exitWatch.OutcomeAsync(exit).ConfigureAwait(false);
        if (info is not null || lost is not null)
        {
            OnEnded(info, lost);
        }
    }

    /// <summary>
    /// Exited, or its state could not be read (not an exit: it may still run; it is replaced, not reported). A busy,
    /// ready or starting container is handled by whoever holds it (it sees the end); an idle one is removed here.
    /// </summary>
    private void OnEnded(ContainerExit? exit, Exception? lost)
    {
        lock (_gate)
        {
            if (lost is not null && _removal is not null)
            {
                return;
            }

            _exitInfo ??= exit;
            _stateError ??= lost;
        }

        if (lost is not null)
        {
            HotPoolLog.StateLost(_context.Logger, ShortName, lost.Message);
            TryEvict("its state could not be read from the engine");
        }
        else if (TryEvict("exited while idle"))
        {
            HotPoolLog.ExitedWhileIdle(_context.Logger, ShortName, exit!.ExitCode);
        }
    }
}
