using FnPipeline.Lifecycle;

namespace FnPipeline.Pipeline.Stages;

/// <summary>ensure-image: the lifecycle's first step (inspect the image, pull it when missing; concurrent pulls shared).</summary>
internal sealed class EnsureImageStage(ContainerLifecycle lifecycle) : IColdStage
{
    public string Name => "ensure-image";

    public Task ExecuteAsync(ColdCallContext context) =>
        lifecycle.EnsureImageAsync(context.Call, context.Timings, context.Token);
}
