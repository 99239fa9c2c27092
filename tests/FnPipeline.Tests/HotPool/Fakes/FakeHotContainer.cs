using System.Text;
using FnPipeline.Driver;

namespace FnPipeline.Tests.HotPool.Fakes;

/// <summary>A fake hot container: "starting" it starts a <see cref="FakeHttpStreamServer"/> in its socket directory.</summary>
internal sealed class FakeHotContainer(FakeHotDriver driver, ContainerSpec spec, FakeFunction function) : IContainerHandle, IRunningContainer
{
    private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ContainerIo? _io;
    private FakeHttpStreamServer? _server;
    private int _removed;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public ContainerSpec Spec => spec;

    public FakeFunction Function => function;

    public string SocketDirectory { get; } = spec.Volumes.Single(v => v.ContainerPath == ReservedNames.SocketMountPath).HostPath;

    public FakeHttpStreamServer? Server => _server;

    public bool IsPaused { get; private set; }

    public bool Exited => _exit.Task.IsCompleted;

    public bool IsRemoved => Volatile.Read(ref _removed) != 0;

    public IReadOnlyList<ContainerStatsSample> Stats { get; } = [];

    public Task<IRunningContainer> AttachAndStartAsync(ContainerIo io, CancellationToken cancellationToken = default)
    {
        _io = io;
        driver.Record($"start {spec.Name}");
        WriteStderr(function.StartupStderr);
        switch (function.Start)
        {
            case FakeStart.Listen:
                _server = FakeHttpStreamServer.Start(SocketDirectory, (request, token) => function.Handler(this, request, token), function.Layout, function.AnswersBeforeBody);
                break;
            case FakeStart.ExitAtStart:
                _exit.TrySetResult(new ContainerExit(function.ExitCode, OomKilled: false));
                break;
        }

        return Task.FromResult<IRunningContainer>(this);
    }

    public Task<ContainerExit> WaitAsync(CancellationToken cancellationToken = default) => _exit.Task.WaitAsync(cancellationToken);

    public void WriteStdout(string text) => _io!.Stdout.Write(Encoding.UTF8.GetBytes(text)).ShouldBeTrue("a hot sink must never refuse bytes");

    public void WriteStderr(string text)
    {
        if (text.Length > 0)
        {
            _io!.Stderr.Write(Encoding.UTF8.GetBytes(text)).ShouldBeTrue("a hot sink must never refuse bytes");
        }
    }

    /// <summary>The process dies: the socket closes and the engine reports the exit.</summary>
    public void Crash(long exitCode, bool oomKilled = false)
    {
        _exit.TrySetResult(new ContainerExit(exitCode, oomKilled));
        _server?.Abort();
    }

    /// <summary>The engine fails while reporting its state: the exit watch ends with this error, the process runs on.</summary>
    public void LoseState(Exception engineError) => _exit.TrySetException(engineError);

    public Task KillAsync(CancellationToken cancellationToken = default)
    {
        driver.Record($"kill {spec.Name}");
        Crash(137);
        return Task.CompletedTask;
    }

    public Task PauseAsync(CancellationToken cancellationToken = default)
    {
        driver.Record($"pause {spec.Name}");
        if (function.PauseFailure is { } failure)
        {
            return Task.FromException(failure);
        }

        IsPaused = true;
        return Task.CompletedTask;
    }

    public Task UnpauseAsync(CancellationToken cancellationToken = default)
    {
        driver.Record($"unpause {spec.Name}");
        if (function.UnpauseFailure is { } failure)
        {
            return Task.FromException(failure);
        }

        IsPaused = false;
        return Task.CompletedTask;
    }

    /// <summary>The handle's disposal asks the executor's removal queue, as the Docker handle does.</summary>
    public async ValueTask DisposeAsync() => await driver.Tracker.RemoveAsync(Id, FunctionFormatNames.HttpStream);

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

        driver.OnRemoved(this);
    }
}
