using System.Text;
using FnPipeline.Driver;
using FnPipeline.Pipeline;

namespace FnPipeline.Testing.Fakes;

/// <summary>
/// A fake container. Default format: its run echoes stdin (or what its <see cref="FakeBehavior"/> says) and exits.
/// http-stream: starting it starts a <see cref="FakeHttpStreamServer"/> in its socket directory, and it runs until it
/// crashes, is killed or removed. Either way a kill or a removal ends the process with 137, as the engine's would.
/// </summary>
internal sealed class FakeContainer : IContainerHandle, IRunningContainer
{
    private static readonly ContainerExit NormalExit = new(0, OomKilled: false);
    private readonly FakeContainerDriver _driver;
    private readonly FakeBehavior? _behavior;
    private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ContainerIo? _io;
    private FakeHttpStreamServer? _server;
    private int _removed;
    private int _disposed;

    public FakeContainer(FakeContainerDriver driver, ContainerSpec spec, string kind, FakeBehavior behavior)
    {
        _driver = driver;
        _behavior = behavior;
        Spec = spec;
        Kind = kind;
        Function = new FakeFunction();
    }

    public FakeContainer(FakeContainerDriver driver, ContainerSpec spec, string kind, FakeFunction function)
    {
        _driver = driver;
        Spec = spec;
        Kind = kind;
        Function = function;
        SocketDirectory = spec.Volumes.Single(v => v.ContainerPath == ReservedNames.SocketMountPath).HostPath;
    }

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public ContainerSpec Spec { get; }

    /// <summary>The removal queue's kind of this container (its format label).</summary>
    public string Kind { get; }

    /// <summary>What an http-stream container runs (a default one for a default-format container).</summary>
    public FakeFunction Function { get; }

    public bool IsHttpStream => _behavior is null;

    /// <summary>The host directory mounted at the socket path (http-stream only).</summary>
    public string? SocketDirectory { get; }

    public FakeHttpStreamServer? Server => _server;

    public bool IsPaused { get; private set; }

    public bool Exited => _exit.Task.IsCompleted;

    public bool IsRemoved => Volatile.Read(ref _removed) != 0;

    public IReadOnlyList<ContainerStatsSample> Stats { get; } = [];

    public Task<IRunningContainer> AttachAndStartAsync(ContainerIo io, CancellationToken cancellationToken = default)
    {
        var startFailure = _behavior?.StartFailure ?? Function.StartFailure;
        if (_driver.StartGate is null && _driver.Profile.Times is null && startFailure is null)
        {
            _driver.OnStartBegun();
            _driver.OnStartEnded();
            return Task.FromResult<IRunningContainer>(Started(io));
        }

        return StartSlowlyAsync(io, startFailure, cancellationToken);
    }

    public Task<ContainerExit> WaitAsync(CancellationToken cancellationToken = default)
    {
        if (_behavior is null)
        {
            return _exit.Task.WaitAsync(cancellationToken);
        }

        var runTime = _behavior.RunTime > TimeSpan.Zero ? _behavior.RunTime : _driver.Profile.Times?.Run ?? TimeSpan.Zero;
        if (_io?.Stdout is StdoutSink { IsStreaming: true })
        {
            return StreamAsync(_behavior, runTime, cancellationToken);
        }

        return _driver.RunGate is null && runTime <= TimeSpan.Zero ? Task.FromResult(Exit(_behavior)) : RunAsync(_behavior, runTime, cancellationToken);
    }

    /// <summary>
    /// A streaming call: the output goes out in <see cref="StreamChunk"/> pieces, each awaited as the real pump awaits
    /// it (the reader's backpressure holds this "process"), then the run time passes and the container exits.
    /// </summary>
    private async Task<ContainerExit> StreamAsync(FakeBehavior behavior, TimeSpan runTime, CancellationToken cancellationToken)
    {
        var sink = (StdoutSink)_io!.Stdout;
        ReadOnlyMemory<byte> output = behavior.Output ?? (_io.Input is { } input ? input.Bytes : default);
        var exceeded = false;
        for (var offset = 0; offset < output.Length && !exceeded; offset += StreamChunk)
        {
            exceeded = !await sink.WriteAsync(output.Slice(offset, Math.Min(StreamChunk, output.Length - offset)), cancellationToken);
        }

        if (behavior.Stderr.Length > 0)
        {
            _io.Stderr.Write(Encoding.UTF8.GetBytes(behavior.Stderr));
        }

        if (runTime > TimeSpan.Zero)
        {
            // The fake function's simulated work (its run time), ended early by a cancel or a kill: not a wait of a test.
            await Task.WhenAny(Task.Delay(runTime, cancellationToken), _exit.Task);
            if (_exit.Task.IsCompleted)
            {
                return await _exit.Task;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        var exit = behavior.ExitCode == 0 && !behavior.OomKilled && !exceeded ? NormalExit : new ContainerExit(behavior.ExitCode, behavior.OomKilled, exceeded);
        _exit.TrySetResult(exit);
        return exit;
    }

    /// <summary>The size of the pieces a streaming call's output is written in.</summary>
    public const int StreamChunk = 64 * 1024;

    public void WriteStdout(string text) => WriteTo(_io!.Stdout, text);

    public void WriteStderr(string text) => WriteTo(_io!.Stderr, text);

    /// <summary>The process dies: the socket closes and the engine reports the exit.</summary>
    public void Crash(long exitCode, bool oomKilled = false)
    {
        _exit.TrySetResult(new ContainerExit(exitCode, oomKilled));
        _server?.Abort();
    }

    /// <summary>The engine fails while reporting its state: the exit watch ends with this error, the process runs on.</summary>
    public void LoseState(Exception engineError) => _exit.TrySetException(engineError);

    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        _driver.OnKillBegun();
        if (_driver.KillGate is { } gate)
        {
            await gate.Task;
        }

        _driver.OnKilled();
        _driver.Record($"kill {Spec.Name}");
        Crash(137);
    }

    public Task PauseAsync(CancellationToken cancellationToken = default)
    {
        _driver.Record($"pause {Spec.Name}");
        if (Function.PauseFailure is { } failure)
        {
            return Task.FromException(failure);
        }

        IsPaused = true;
        return Task.CompletedTask;
    }

    public Task UnpauseAsync(CancellationToken cancellationToken = default)
    {
        _driver.Record($"unpause {Spec.Name}");
        if (Function.UnpauseFailure is { } failure)
        {
            return Task.FromException(failure);
        }

        IsPaused = false;
        return Task.CompletedTask;
    }

    /// <summary>The handle's disposal asks the driver's removal queue, as the Docker handle does (once).</summary>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(_driver.RemoveAsync(this)) : ValueTask.CompletedTask;

    /// <summary>The engine removes it (a removal attempt that succeeds): the process dies with it.</summary>
    internal async Task RemoveFromEngineAsync()
    {
        if (Interlocked.Exchange(ref _removed, 1) != 0)
        {
            return;
        }

        Crash(137);
        if (_server is { } server)
        {
            await server.DisposeAsync();
        }

        _driver.OnRemoved(this);
    }

    private async Task<IRunningContainer> StartSlowlyAsync(ContainerIo io, Exception? startFailure, CancellationToken cancellationToken)
    {
        _driver.OnStartBegun();
        try
        {
            if (_driver.StartGate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            if (_driver.Profile.Times is { } times)
            {
                await times.DelayAsync(times.Start, cancellationToken);
            }

            if (startFailure is not null)
            {
                throw startFailure;
            }
        }
        finally
        {
            _driver.OnStartEnded();
        }

        return Started(io);
    }

    private FakeContainer Started(ContainerIo io)
    {
        _io = io;

        // The engine's start returned: reported before the event, so a test that saw "start" finds the timeout armed.
        io.Started?.Invoke();
        _driver.Record($"start {Spec.Name}");
        if (_behavior is null)
        {
            WriteStderr(Function.StartupStderr);
            switch (Function.Start)
            {
                case FakeStart.Listen:
                    _server = FakeHttpStreamServer.Start(SocketDirectory!, (request, token) => Function.Handler(this, request, token), Function.Layout, Function.AnswersBeforeBody);
                    break;
                case FakeStart.ExitAtStart:
                    _exit.TrySetResult(new ContainerExit(Function.ExitCode, OomKilled: false));
                    break;
            }
        }

        return this;
    }

    private async Task<ContainerExit> RunAsync(FakeBehavior behavior, TimeSpan runTime, CancellationToken cancellationToken)
    {
        if (_driver.RunGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (runTime > TimeSpan.Zero)
        {
            using var ran = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // The fake function's simulated work (its run time), ended early by a cancel or a kill: not a wait of a test.
            var run = Task.Delay(runTime, ran.Token);
            if (await Task.WhenAny(run, _exit.Task) == _exit.Task)
            {
                await ran.CancelAsync();
                return await _exit.Task;
            }

            await run;
        }

        return Exit(behavior);
    }

    private ContainerExit Exit(FakeBehavior behavior)
    {
        ReadOnlySpan<byte> output = behavior.Output is { } scripted ? scripted : _io!.Input is { } input ? input.Bytes.Span : default;
        var exceeded = !_io!.Stdout.Write(output);
        if (behavior.Stderr.Length > 0)
        {
            _io.Stderr.Write(Encoding.UTF8.GetBytes(behavior.Stderr));
        }

        var exit = behavior.ExitCode == 0 && !behavior.OomKilled && !exceeded ? NormalExit : new ContainerExit(behavior.ExitCode, behavior.OomKilled, exceeded);
        _exit.TrySetResult(exit);
        return exit;
    }

    private static void WriteTo(IOutputSink sink, string text)
    {
        if (text.Length > 0 && !sink.Write(Encoding.UTF8.GetBytes(text)))
        {
            throw new InvalidOperationException("a hot container's sink refused bytes; it must never refuse them");
        }
    }
}
