using FnPipeline.LoadTests.Load;
using FnPipeline.LoadTests.Scenarios;
using FnPipeline.LoadTests.Targets;

namespace FnPipeline.LoadTests.Baselines;

/// <summary>
/// The fake driver's baseline: the same simulated engine steps, awaited one after the other without the executor
/// (cold: create, start, run, remove inline; hot: the request's time only).
/// </summary>
internal sealed class FakeDirectPaths : IEchoPaths
{
    public string Name => "direct fake engine steps";

    public async Task<Outcome> ColdAsync(CancellationToken cancellationToken)
    {
        await FakeEngine.DelayAsync(FakeEngine.Profile.Times!.Create, cancellationToken);
        await FakeEngine.DelayAsync(FakeEngine.Profile.Times!.Start, cancellationToken);
        await FakeEngine.DelayAsync(FakeEngine.Profile.Times!.Run, cancellationToken);
        await FakeEngine.DelayAsync(FakeEngine.Profile.Times!.Remove, cancellationToken);
        return Outcome.Success("cold");
    }

    public async Task<Outcome> HotAsync(CancellationToken cancellationToken)
    {
        await FakeEngine.DelayAsync(FakeEngine.HotCall, cancellationToken);
        return Outcome.Success("hot");
    }
}
