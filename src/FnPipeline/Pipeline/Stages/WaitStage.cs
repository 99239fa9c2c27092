using FnPipeline.Driver;

namespace FnPipeline.Pipeline.Stages;

/// <summary>
/// wait: waits for the exit, maps it to a result and hands the result to the caller before cleanup runs; the run time
/// is final in that result (making it stops the call's timings).
/// </summary>
internal sealed class WaitStage : IColdStage
{
    public string Name => "wait";

    public async Task ExecuteAsync(ColdCallContext context)
    {
        context.EnterStage(TimingStage.Run);
        var exit = await context.Running!.WaitAsync(context.Token).ConfigureAwait(false);
        var (status, error) = Map(exit, context);
        context.Complete(context.CreateResult(status, error, exit.ExitCode));
    }

    private static (InvocationStatus Status, FnError? Error) Map(ContainerExit exit, ColdCallContext context)
    {
        if (exit.OutputLimitExceeded)
        {
            return (InvocationStatus.Error, CallOutcomes.OutputTooLarge(context.Stdout!.MaxBytes));
        }

        if (exit.OomKilled)
        {
            return (InvocationStatus.Killed, CallOutcomes.OutOfMemory(context.Resolved.MemoryMB));
        }

        return exit.ExitCode == 0
            ? (InvocationStatus.Success, null)
            : (InvocationStatus.Error, CallOutcomes.ExitCode(exit.ExitCode));
    }
}
