using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Scenarios;

/// <summary>
/// mixed: each call is hot with probability <c>hotShare</c>, else cold; the report has a line per kind. The choice is a
/// hash of the call's sequence number, so the executor and baseline passes make the same mix of calls.
/// </summary>
internal sealed class MixedScenario(IEchoPaths paths, double hotShare) : IScenario
{
    public string Name => "mixed";

    public string Description => $"Hot and cold calls together: {hotShare:P0} http-stream echoes, the rest default-format echoes.";

    public LoadModel DefaultModel => LoadModel.ConstantRate;

    public double DefaultLevel => 20;

    public TimeSpan DefaultWarmup => TimeSpan.FromSeconds(15);

    public Task<Outcome> InvokeAsync(long sequence, CancellationToken cancellationToken) =>
        IsHot(sequence) ? paths.HotAsync(cancellationToken) : paths.ColdAsync(cancellationToken);

    /// <summary>Knuth's multiplicative hash spreads consecutive sequence numbers evenly over [0, 1).</summary>
    private bool IsHot(long sequence) => unchecked((uint)sequence * 2654435761u) / (double)uint.MaxValue < hotShare;
}
