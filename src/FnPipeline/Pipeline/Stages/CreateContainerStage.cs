using FnPipeline.Driver;

namespace FnPipeline.Pipeline.Stages;

/// <summary>
/// create-container: takes one of the executor's container slots (so no more than <see cref="FnPipelineOptions.MaxContainers"/>
/// containers exist at once), then creates the container.
/// </summary>
internal sealed class CreateContainerStage(IContainerDriver driver, ContainerSlots slots) : IColdStage
{
    public string Name => "create-container";

    public async Task ExecuteAsync(ColdCallContext context)
    {
        await slots.AcquireAsync(context.Token).ConfigureAwait(false);
        context.HoldsContainerSlot = true;
        context.Container = await driver.CreateContainerAsync(context.Spec, context.Token).ConfigureAwait(false);
    }

    public void RecordTiming(StageTimings timings, TimeSpan elapsed) => timings.Create = elapsed;
}
