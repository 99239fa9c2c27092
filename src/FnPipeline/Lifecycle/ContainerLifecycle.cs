using System.Diagnostics.CodeAnalysis;
using FnPipeline.Diagnostics;
using FnPipeline.Driver;

namespace FnPipeline.Lifecycle;

/// <summary>
/// The steps that bring a container to life, the same for both lanes: ensure-image → create → attach-and-start. Each
/// step waits for its <see cref="StageOptions"/> bound (one gate per step, shared by the cold pipeline and the hot
/// launcher, so cold and hot work together never has more pulls, creates or starts at the engine than the bound),
/// then counts its time on the call's <see cref="StageTimings"/> (the wait for the gate counts as queue) and on the
/// stage-duration metric, whatever the outcome. The cold lane's Dataflow blocks call one step each; the hot launcher
/// calls the three and then waits for the socket.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "The gates' wait handles are never created; a launch still running at shutdown must not find them disposed.")]
internal sealed class ContainerLifecycle
{
    private readonly IContainerDriver _driver;
    private readonly FnPipelineMetrics _metrics;
    private readonly TimeProvider _time;

    private readonly SemaphoreSlim _image;
    private readonly SemaphoreSlim _create;
    private readonly SemaphoreSlim _start;

    /// <param name="driver">The engine.</param>
    /// <param name="imageParallelism">Ensure-image steps at once (<see cref="StageOptions.ImageParallelism"/>).</param>
    /// <param name="createParallelism">Create steps at once (<see cref="StageOptions.CreateParallelism"/>).</param>
    /// <param name="startParallelism">Attach-and-start steps at once (<see cref="StageOptions.StartParallelism"/>).</param>
    /// <param name="metrics">The stage-duration metric.</param>
    /// <param name="time">The clock of the timings.</param>
    public ContainerLifecycle(
        IContainerDriver driver, int imageParallelism, int createParallelism, int startParallelism, FnPipelineMetrics metrics, TimeProvider time)
    {
        _driver = driver;
        _metrics = metrics;
        _time = time;
        _image = new SemaphoreSlim(imageParallelism, imageParallelism);
        _create = new SemaphoreSlim(createParallelism, createParallelism);
        _start = new SemaphoreSlim(startParallelism, startParallelism);
    }

    /// <summary>A lifecycle with the stage bounds of <paramref name="stages"/>.</summary>
    public static ContainerLifecycle From(IContainerDriver driver, StageOptions stages, FnPipelineMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(stages);
        return new ContainerLifecycle(driver, stages.ImageParallelism, stages.CreateParallelism, stages.StartParallelism, metrics, time);
    }

    public IContainerDriver Driver => _driver;

    /// <summary>ensure-image: inspect, pull when missing (the driver shares concurrent pulls of one image).</summary>
    public async Task EnsureImageAsync(FunctionCall call, StageTimings timings, CancellationToken cancellationToken)
    {
        await _image.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = Enter(timings, TimingStage.Image);
        try
        {
            await _driver.EnsureImageAsync(call.Image, call.RegistryCredentials, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Leave(call, timings, FnPipelineMetrics.ImageStage, started);
            _image.Release();
        }
    }

    /// <summary>create-container: the engine creates the container described by <paramref name="spec"/>.</summary>
    public async Task<IContainerHandle> CreateAsync(FunctionCall call, ContainerSpec spec, StageTimings timings, CancellationToken cancellationToken)
    {
        await _create.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = Enter(timings, TimingStage.Create);
        try
        {
            return await _driver.CreateContainerAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Leave(call, timings, FnPipelineMetrics.CreateStage, started);
            _create.Release();
        }
    }

    /// <summary>attach-and-start: streams attached before the start, so no output is lost; returns once the engine's start returned.</summary>
    public async Task<IRunningContainer> AttachAndStartAsync(
        FunctionCall call, IContainerHandle container, ContainerIo io, StageTimings timings, CancellationToken cancellationToken)
    {
        await _start.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = Enter(timings, TimingStage.Start);
        try
        {
            return await container.AttachAndStartAsync(io, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Leave(call, timings, FnPipelineMetrics.StartStage, started);
            _start.Release();
        }
    }

    private long Enter(StageTimings timings, TimingStage stage)
    {
        var now = _time.GetTimestamp();
        timings.Enter(stage, now, _time);
        return now;
    }

    private void Leave(FunctionCall call, StageTimings timings, string metricStage, long started)
    {
        var now = _time.GetTimestamp();
        timings.Leave(now, _time);
        _metrics.StageFinished(call, metricStage, _time.GetElapsedTime(started, now));
    }
}
