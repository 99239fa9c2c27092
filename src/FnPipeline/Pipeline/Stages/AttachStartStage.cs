using FnPipeline.Driver;

namespace FnPipeline.Pipeline.Stages;

/// <summary>
/// attach-and-start: the call's timeout starts here (it counts from when the call got a container); the driver
/// attaches the streams before it starts the container, so no output is lost.
/// </summary>
internal sealed class AttachStartStage(FnPipelineOptions options, TimeProvider time) : IColdStage
{
    public string Name => "attach-and-start";

    public async Task ExecuteAsync(ColdCallContext context)
    {
        context.StartTimeout(context.Call.Timeout ?? options.DefaultTimeout, time);
        var maxOutput = context.Call.MaxOutputBytes > 0 ? context.Call.MaxOutputBytes : options.MaxOutputBytes;
        context.Stdout = new StdoutSink(maxOutput);
        context.Stderr = new StderrSink(options.MaxStderrBytes);
        var io = new ContainerIo { Input = context.Call.Input, Stdout = context.Stdout, Stderr = context.Stderr };
        context.Running = await context.Container!.AttachAndStartAsync(io, context.Token).ConfigureAwait(false);
    }

    public void RecordTiming(StageTimings timings, TimeSpan elapsed) => timings.AttachStart = elapsed;
}
