using FnPipeline.Lifecycle;
using FnPipeline.Driver;

namespace FnPipeline.Pipeline.Stages;

/// <summary>
/// attach-and-start: the lifecycle's start step; the driver attaches the streams before it starts the container, so no output is lost. The call's
/// timeout starts when the engine's start returned (<see cref="ColdCallContext.OnStarted"/>); until then the start
/// bound runs.
/// </summary>
internal sealed class AttachStartStage(ContainerLifecycle lifecycle) : IColdStage
{
    public string Name => "attach-and-start";

    public async Task ExecuteAsync(ColdCallContext context)
    {
        context.Stdout = new StdoutSink(context.Resolved.MaxOutputBytes, context.Resolved.Streamer);
        context.Stderr = new StderrSink(context.Resolved.MaxStderrBytes);
        var io = new ContainerIo { Input = context.Call.Input, Stdout = context.Stdout, Stderr = context.Stderr, Started = context.OnStarted };
        context.Running = await lifecycle.AttachAndStartAsync(context.Call, context.Container!, io, context.Timings, context.Token).ConfigureAwait(false);
    }
}
