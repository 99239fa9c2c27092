using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Scenarios;

/// <summary>mixed: each call is hot with probability <c>hotShare</c>, else cold; the report has a line per kind.</summary>
internal sealed class MixedScenario(EchoCalls calls, double hotShare) : IScenario
{
    private readonly FunctionCall _hot = calls.Hot;
    private readonly FunctionCall _cold = calls.Cold;

    public string Name => "mixed";

    public string Description => $"Hot and cold calls together: {hotShare:P0} http-stream echoes, the rest default-format echoes.";

    public LoadModel DefaultModel => LoadModel.ConstantRate;

    public double DefaultLevel => 20;

    public Task<Outcome> InvokeAsync(long sequence, CancellationToken cancellationToken) =>
        Random.Shared.NextDouble() < hotShare
            ? calls.InvokeAsync("hot", _hot, cancellationToken)
            : calls.InvokeAsync("cold", _cold, cancellationToken);
}
