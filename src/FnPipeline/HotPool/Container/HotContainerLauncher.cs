using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.Lifecycle;
using FnPipeline.Protocol;

namespace FnPipeline.HotPool;

/// <summary>
/// Starts a hot container: the container lifecycle's steps (ensure-image, create, attach-and-start, behind the stage
/// bounds it shares with the cold lane), then the socket wait: the directory is watched before the container starts;
/// the first of socket ready, socket invalid, container exit and <see cref="HotPoolOptions.StartTimeout"/> (counted
/// from the engine's start returning) decides. The launch's timings record every stage, failed ones included. Every
/// failure removes the container and its directory. The place in the limits is reserved by the caller and given
/// back by the container's removal (or by the keeper when no container was made); the launch slot (reserved with it,
/// <see cref="HotPoolOptions.MaxConcurrentStarts"/>) is given back when the launch ends, ready or failed.
/// </summary>
internal sealed class HotContainerLauncher(HotPoolContext context, ContainerKeeper keeper, ContainerLifecycle lifecycle)
{
    private const int StderrTailLines = 10;

    public Launch Start(FunctionPool pool, ResolvedCall call)
    {
        var launch = new Launch { Pool = pool };
        launch.Timings.Begin(context.Time.GetTimestamp());
        launch.Task = LaunchInSlotAsync(pool, call, launch.Timings);
        return launch;
    }

    private async Task<HotContainer> LaunchInSlotAsync(FunctionPool pool, ResolvedCall call, StageTimings timings)
    {
        try
        {
            return await LaunchAsync(pool, call, timings).ConfigureAwait(false);
        }
        finally
        {
            keeper.LaunchEnded();
        }
    }

    private async Task<HotContainer> LaunchAsync(FunctionPool pool, ResolvedCall call, StageTimings timings)
    {
        HotContainer container;
        try
        {
            var directory = SocketDirectory.Create(context.Settings.SocketBaseDirectory, context.Driver.Owner);
            container = keeper.Create(pool, directory, call.IdleTimeout);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            timings.Stop(context.Time.GetTimestamp(), context.Time);
            keeper.FreePlace(pool);
            throw new FnEngineException($"Creating a socket directory under '{context.Settings.SocketBaseDirectory}' failed: {ex.Message}", ex);
        }

        try
        {
            HotPoolLog.Launching(context.Logger, container.ShortName, pool.Key, call.Call.Image);
            await StartAsync(container, call, timings).ConfigureAwait(false);
            timings.Stop(context.Time.GetTimestamp(), context.Time);
            var startup = timings.Image + timings.Create + timings.AttachStart + timings.SocketWait;
            HotPoolLog.Ready(context.Logger, container.ShortName, pool.Key, startup.TotalMilliseconds);
            return container;
        }
        catch (Exception ex)
        {
            // Final before anyone reads them: the caller's result carries the stages this launch consumed.
            timings.Stop(context.Time.GetTimestamp(), context.Time);
            context.Background.Track(container.RemoveAsync("start failed"));
            throw Classify(ex, container, call);
        }
    }

    private async Task StartAsync(HotContainer container, ResolvedCall call, StageTimings timings)
    {
        var shutdown = context.ShutdownToken;
        var time = context.Time;
        using (CallActivity.StartStage(HotStageNames.EnsureImage))
        {
            await lifecycle.EnsureImageAsync(call.Call, timings, shutdown).ConfigureAwait(false);
        }

        var spec = context.Specs.ForHotContainer(call, container.Name, container.Directory.Path);
        IContainerHandle handle;
        using (CallActivity.StartStage(HotStageNames.CreateContainer))
        {
            handle = await lifecycle.CreateAsync(call.Call, spec, timings, shutdown).ConfigureAwait(false);
        }

        if (!container.AttachHandle(handle))
        {
            await handle.DisposeAsync().ConfigureAwait(false);
            throw new OperationCanceledException("The hot pool shut down during a launch.", shutdown);
        }

        using (CallActivity.StartStage(HotStageNames.AttachStart))
        using (var watcher = new SocketReadinessWatcher(container.Directory, time, context.Logger))
        {
            container.Output.Identify(FunctionLog.FunctionLabel(call.Call), handle.Id);
            var io = new ContainerIo { Input = null, Stdout = container.Output.Stdout, Stderr = container.Output.Stderr };
            var running = await lifecycle.AttachAndStartAsync(call.Call, handle, io, timings, shutdown).ConfigureAwait(false);
            var exit = container.AttachRunning(running);
            using var socketWait = CallActivity.StartStage(HotStageNames.SocketWait);
            var waitStarted = time.GetTimestamp();
            timings.Enter(TimingStage.SocketWait, waitStarted, time);
            try
            {
                await WaitUntilListeningAsync(watcher.Result, exit, container, call, timings).ConfigureAwait(false);
            }
            finally
            {
                var now = time.GetTimestamp();
                timings.Leave(now, time);
                context.Metrics.StageFinished(call.Call, FnPipelineMetrics.SocketStage, time.GetElapsedTime(waitStarted, now));
            }
        }

        container.MarkReady(new HttpStreamClient(container.Directory.SocketPath, context.ClientOptions));
    }

    /// <summary>
    /// The socket wait, bounded by <see cref="HotPoolOptions.StartTimeout"/> from the engine's start returning (the
    /// stages before it are bounded by the caller's <see cref="FnPipelineOptions.StartTimeout"/>).
    /// </summary>
    private async Task WaitUntilListeningAsync(
        Task<SocketCheck> ready, Task<ContainerExit> exit, HotContainer container, ResolvedCall call, StageTimings timings)
    {
        var startTimeout = context.Settings.StartTimeout;
        try
        {
            await Task.WhenAny(ready, exit).WaitAsync(startTimeout, context.Time, context.ShutdownToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The message says where the launch's time went: stopped here, the figures are the ones the caller gets.
            timings.Stop(context.Time.GetTimestamp(), context.Time);
            throw new FnCallException(CallOutcomes.InitTimedOut(startTimeout, timings));
        }

        // An exit wins over a socket seen at the same moment: the container is gone either way.
        if (exit.IsCompleted)
        {
            var info = await exit.ConfigureAwait(false);
            var tail = container.Output.StartupTail(StderrTailLines);
            throw new FnCallException(CallOutcomes.InitExited(info.ExitCode, info.OomKilled, call.MemoryMB, tail));
        }

        var check = await ready.ConfigureAwait(false);
        if (check.State == SocketCheckState.Invalid)
        {
            throw new FnCallException(CallOutcomes.InitFailed(check.Problem!));
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
