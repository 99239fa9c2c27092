using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Scenarios;

/// <summary>cold-echo: one container per call (busybox <c>cat</c>, default format).</summary>
internal sealed class ColdEchoScenario(IEchoPaths paths) : IScenario
{
    public string Name => "cold-echo";

    public string Description => "Default-format echo: one busybox `cat` container per call.";

    public LoadModel DefaultModel => LoadModel.ConstantConcurrency;

    public double DefaultLevel => 4;

    public TimeSpan DefaultWarmup => TimeSpan.FromSeconds(5);

    public Task<Outcome> InvokeAsync(long sequence, CancellationToken cancellationToken) => paths.ColdAsync(cancellationToken);
}
