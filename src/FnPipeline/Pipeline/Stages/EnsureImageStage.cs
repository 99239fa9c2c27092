using FnPipeline.Driver;

namespace FnPipeline.Pipeline.Stages;

/// <summary>ensure-image: inspect the image, pull it when missing (the driver shares concurrent pulls).</summary>
internal sealed class EnsureImageStage(IContainerDriver driver) : IColdStage
{
    public string Name => "ensure-image";

    public Task ExecuteAsync(ColdCallContext context) =>
        driver.EnsureImageAsync(context.Call.Image, context.Call.RegistryCredentials, context.Token);

    public void RecordTiming(StageTimings timings, TimeSpan elapsed) => timings.Image = elapsed;
}
