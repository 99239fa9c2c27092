using FnPipeline.Lifecycle;

namespace FnPipeline.Pipeline.Stages;

/// <summary>
/// create-container: takes a place in the cold lane's container budget (so no more than
/// <see cref="FnPipelineOptions.MaxContainers"/> containers exist at once; the wait counts as queue), then the
/// lifecycle's create step.
/// </summary>
internal sealed class CreateContainerStage(ContainerLifecycle lifecycle, ContainerBudget budget) : IColdStage
{
    public string Name => "create-container";

    public async Task ExecuteAsync(ColdCallContext context)
    {
        await budget.ReserveAsync(context.Token).ConfigureAwait(false);
        context.HoldsContainerSlot = true;
        context.Container = await lifecycle.CreateAsync(context.Call, context.Spec, context.Timings, context.Token).ConfigureAwait(false);
    }
}
