using System.Diagnostics.CodeAnalysis;
using FnPipeline.Driver;
using FnPipeline.Protocol;

namespace FnPipeline.HotPool;

/// <summary>
/// One hot container: its engine handle, socket directory, HTTP client, output, exit watch and running call. Serves
/// one call at a time. Its state and transitions live in its <see cref="ContainerStateMachine"/>, which reports them
/// (idle, remove me) to its <see cref="IHotContainerOwner"/>; removal is idempotent and reports the freed place once.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "RemoveAsync is the single, idempotent end of a container and disposes its fields; calls borrow containers from the pool and must never dispose them.")]
internal sealed class HotContainer
{
    private readonly HotPoolContext _context;
    private readonly IHotContainerOwner _owner;
    private readonly ExitWatch _exitWatch;
    private readonly ContainerStateMachine _states;

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
        _states = new ContainerStateMachine(context, owner, this, idleTimeout);
    }

    /// <summary>The engine's container name.</summary>
    public string Name { get; }

    /// <summary>Short name for logs: <c>hot-</c> and the socket directory id.</summary>
    public string ShortName { get; }

    /// <summary>The engine's container id, once created.</summary>
    public string? Id => _states.Handle?.Id;

    /// <summary>The function's pool this container belongs to (its owner stacks it there).</summary>
    public FunctionPool Pool { get; }

    public SocketDirectory Directory { get; }

    public TimeSpan IdleTimeout { get; }

    public HotContainerOutput Output { get; }

    /// <summary>The call running on it: begin, abort, end.</summary>
    public ContainerCall Call { get; }

    /// <summary>The container's client, set once it listens.</summary>
    public HttpStreamClient? Client { get; private set; }

    /// <summary>When this container became idle (a <see cref="TimeProvider"/> timestamp), for "oldest idle first" eviction.</summary>
    public long IdleSince => _states.IdleSince;

    /// <summary>Takes ownership of the created engine container; <c>false</c> if removal already began (dispose it).</summary>
    public bool AttachHandle(IContainerHandle handle) => _states.TryAttachHandle(handle);

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
        _states.MarkReady();
    }

    /// <summary>A launched container goes straight to the call that launched it.</summary>
    public bool TryTakeReady() => _states.TryTakeReady();

    /// <summary>After a call (or a launch nobody took): idle on top of the pool's stack, or removed if it died.</summary>
    public void ReturnToPool() => _states.ReturnToPool();

    /// <inheritdoc cref="ContainerStateMachine.TryActivateAsync"/>
    public ValueTask<bool> TryActivateAsync() => _states.TryActivateAsync();

    /// <inheritdoc cref="ContainerStateMachine.TryEvict"/>
    public bool TryEvict(string reason) => _states.TryEvict(reason);

    /// <summary>
    /// Waits briefly for the engine to report an exit (after a broken call); <c>null</c> if it did not. Throws the
    /// engine's error when the container's state could not be read: that is no exit.
    /// </summary>
    public Task<ContainerExit?> WaitForExitAsync(TimeSpan grace) => _exitWatch.WaitAsync(grace);

    /// <summary>
    /// Removes the container (once; later calls return the same task). Never throws. Stops the timers, closes the
    /// client, removes the engine container and its directory (<see cref="ContainerTeardown"/>), then reports the
    /// freed place to the owner.
    /// </summary>
    public Task RemoveAsync(string reason)
    {
        if (_states.TryBeginRemoval(out var removal, out var done))
        {
            // Started outside the state's lock: removal calls the engine.
            _ = RemoveCoreAsync(reason, done!);
        }

        return removal;
    }

    private async Task RemoveCoreAsync(string reason, TaskCompletionSource done)
    {
        try
        {
            _states.Dispose();
            Call.StopTimer();
            Client?.Dispose();
            await ContainerTeardown.RunAsync(_context, this, _states.Handle, _exitWatch).ConfigureAwait(false);
            Call.Dispose();
            HotPoolLog.Removed(_context.Logger, ShortName, reason);
        }
        finally
        {
            _owner.PlaceFreed(this);
            done.TrySetResult();
        }
    }

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
        if (!_states.TryRecordEnd(exit, lost))
        {
            return;
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
