using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.Protocol;

namespace FnPipeline.HotPool;

/// <summary>
/// Starts a hot container through the same stages as a cold call (ensure-image, create, attach-and-start) and waits
/// until it listens: the directory is watched before the container starts; the first of socket ready, socket
/// invalid, container exit and start timeout decides. Every failure removes the container and its directory.
/// The place in the limits is reserved by the caller and given back by the container's removal (or by the keeper
/// when no container was made).
/// </summary>
internal sealed class HotContainerLauncher(HotPoolContext context, ContainerKeeper keeper)
{
    private const int StderrTailLines = 10;

    public Launch Start(FunctionPool pool, ResolvedCall call)
    {
        var launch = new Launch { Pool = pool };
        launch.Task = LaunchAsync(pool, call, launch.Timings);
        return launch;
    }

    private async Task<HotContainer> LaunchAsync(FunctionPool pool, ResolvedCall call, LaunchTimings timings)
    {
        HotContainer container;
        try
        {
            var directory = SocketDirectory.Create(context.Settings.SocketBaseDirectory, context.Driver.Owner);
            container = keeper.Create(pool, directory, call.IdleTimeout);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            keeper.FreePlace(pool);
            throw new FnEngineException($"Creating a socket directory under '{context.Settings.SocketBaseDirectory}' failed: {ex.Message}", ex);
        }

        try
        {
            HotPoolLog.Launching(context.Logger, container.ShortName, pool.Key, call.Call.Image);
            await StartAsync(container, call, timings).ConfigureAwait(false);
            HotPoolLog.Ready(context.Logger, container.ShortName, pool.Key, timings.Total.TotalMilliseconds);
            return container;
        }
        catch (Exception ex)
        {
            context.Background.Track(container.RemoveAsync("start failed"));
            throw Classify(ex, container, call);
        }
    }

    private async Task StartAsync(HotContainer container, ResolvedCall call, LaunchTimings timings)
    {
        var shutdown = context.ShutdownToken;
        var time = context.Time;
        var started = time.GetTimestamp();
        timings.Enter(LaunchStage.Image, started);
        using (CallActivity.StartStage(HotStageNames.EnsureImage))
        {
            await context.Driver.EnsureImageAsync(call.Call.Image, call.Call.RegistryCredentials, shutdown).ConfigureAwait(false);
        }

        timings.Image = time.GetElapsedTime(started);

        started = time.GetTimestamp();
        timings.Enter(LaunchStage.Create, started);
        var spec = context.Specs.ForHotContainer(call, container.Name, container.Directory.Path);
        IContainerHandle handle;
        using (CallActivity.StartStage(HotStageNames.CreateContainer))
        {
            handle = await context.Driver.CreateContainerAsync(spec, shutdown).ConfigureAwait(false);
        }

        if (!container.AttachHandle(handle))
        {
            await handle.DisposeAsync().ConfigureAwait(false);
            throw new OperationCanceledException("The hot pool shut down during a launch.", shutdown);
        }

        timings.Create = time.GetElapsedTime(started);

        started = time.GetTimestamp();
        timings.Enter(LaunchStage.Start, started);
        using (CallActivity.StartStage(HotStageNames.AttachStart))
        using (var watcher = new SocketReadinessWatcher(container.Directory, time, context.Logger))
        {
            container.Output.Identify(FunctionLog.FunctionLabel(call.Call), handle.Id);
            var io = new ContainerIo { Input = null, Stdout = container.Output.Stdout, Stderr = container.Output.Stderr };
            var running = await handle.AttachAndStartAsync(io, shutdown).ConfigureAwait(false);
            var exit = container.AttachRunning(running);
            using var socketWait = CallActivity.StartStage(HotStageNames.SocketWait);
            await WaitUntilListeningAsync(watcher.Result, exit, container, call).ConfigureAwait(false);
        }

        container.MarkReady(new HttpStreamClient(container.Directory.SocketPath, context.ClientOptions));
        timings.Start = time.GetElapsedTime(started);
        timings.Enter(LaunchStage.None, 0);
    }

    private async Task WaitUntilListeningAsync(Task<SocketCheck> ready, Task<ContainerExit> exit, HotContainer container, ResolvedCall call)
    {
        var startTimeout = context.Settings.StartTimeout;
        try
        {
            await Task.WhenAny(ready, exit).WaitAsync(startTimeout, context.Time, context.ShutdownToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new FnCallException(HotOutcomes.InitTimedOut(startTimeout));
        }

        // An exit wins over a socket seen at the same moment: the container is gone either way.
        if (exit.IsCompleted)
        {
            var info = await exit.ConfigureAwait(false);
            var tail = container.Output.StartupTail(StderrTailLines);
            throw new FnCallException(HotOutcomes.InitExited(info.ExitCode, info.OomKilled, call.MemoryMB, tail));
        }

        var check = await ready.ConfigureAwait(false);
        if (check.State == SocketCheckState.Invalid)
        {
            throw new FnCallException(HotOutcomes.InitFailed(check.Problem!));
        }
    }

    private Exception Classify(Exception ex, HotContainer container, ResolvedCall call)
    {
        switch (ex)
        {
            case FnCallException fn:
                HotPoolLog.StartFailed(context.Logger, container.ShortName, fn.Error.Message);
                return fn;
            case OperationCanceledException when context.ShutdownToken.IsCancellationRequested:
                return ex;
            case not FnCallException when context.ShutdownToken.IsCancellationRequested:
                // Shutdown removed the container under the launch; whatever the engine said, the reason is shutdown.
                return new OperationCanceledException("The hot pool shut down during a launch.", ex, context.ShutdownToken);
            case FnEngineException or FnConfigurationException:
                HotPoolLog.LaunchEngineFailure(context.Logger, container.Pool.Key, ex);
                return ex;
            default:
                HotPoolLog.LaunchEngineFailure(context.Logger, container.Pool.Key, ex);
                return new FnEngineException($"The engine failed while starting a hot container for image '{call.Call.Image}': {ex.Message}", ex);
        }
    }
}
