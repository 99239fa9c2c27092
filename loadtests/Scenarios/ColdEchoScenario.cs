using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Scenarios;

/// <summary>cold-echo: one container per call (busybox <c>cat</c>, default format).</summary>
internal sealed class ColdEchoScenario(EchoCalls calls) : IScenario
{
    private readonly FunctionCall _call = calls.Cold;

    public string Name => "cold-echo";

    public string Description => "Default-format echo: one busybox `cat` container per call through the five cold stages.";

    public LoadModel DefaultModel => LoadModel.ConstantConcurrency;

    public double DefaultLevel => 4;

    public Task<Outcome> InvokeAsync(long sequence, CancellationToken cancellationToken) => calls.InvokeAsync("cold", _call, cancellationToken);
}
