using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Scenarios;

/// <summary>hot-echo: http-stream calls to one function, served by its hot containers.</summary>
internal sealed class HotEchoScenario(IEchoPaths paths) : IScenario
{
    public string Name => "hot-echo";

    public string Description => "http-stream echo on the test function: calls share the function's hot containers over their unix sockets.";

    public LoadModel DefaultModel => LoadModel.ConstantRate;

    public double DefaultLevel => 100;

    public TimeSpan DefaultWarmup => TimeSpan.FromSeconds(10);

    public Task<Outcome> InvokeAsync(long sequence, CancellationToken cancellationToken) => paths.HotAsync(cancellationToken);
}
