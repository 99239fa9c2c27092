using FnPipeline.Driver;

namespace FnPipeline.Pipeline.Stages;

/// <summary>
/// attach-and-start: the driver attaches the streams before it starts the container, so no output is lost. The call's
/// timeout starts when the engine's start returned (<see cref="ColdCallContext.OnStarted"/>); until then the start
/// bound runs.
/// </summary>
internal sealed class AttachStartStage(FnPipelineOptions options) : IColdStage
{
    public string Name => "attach-and-start";

    public async Task ExecuteAsync(ColdCallContext context)
    {
        var maxOutput = context.Call.MaxOutputBytes > 0 ? context.Call.MaxOutputBytes : options.MaxOutputBytes;
        context.Stdout = new StdoutSink(maxOutput);
        context.Stderr = new StderrSink(options.MaxStderrBytes);
        var io = new ContainerIo { Input = context.Call.Input, Stdout = context.Stdout, Stderr = context.Stderr, Started = context.OnStarted };
        context.Running = await context.Container!.AttachAndStartAsync(io, context.Token).ConfigureAwait(false);
    }

    public void RecordTiming(StageTimings timings, TimeSpan elapsed) => timings.AttachStart = elapsed;
}
