using System.Globalization;
using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Scenarios;

/// <summary>
/// burst: every call is the first call of a function the executor has not seen (its config differs), so each one
/// starts a hot container: ensure-image, create, start, socket readiness, then the request. The containers idle out
/// after <see cref="IdleTimeout"/> so a long burst does not fill the pool.
/// </summary>
internal sealed class BurstScenario(EchoCalls calls) : IScenario
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    private readonly FunctionCall _template = calls.Hot;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public string Name => "burst";

    public string Description => "A burst of new functions: each call is the first of a new http-stream function and starts its hot container.";

    public LoadModel DefaultModel => LoadModel.ConstantConcurrency;

    public double DefaultLevel => 4;

    public TimeSpan DefaultWarmup => TimeSpan.FromSeconds(2);

    public Task<Outcome> InvokeAsync(long sequence, CancellationToken cancellationToken)
    {
        var call = _template with
        {
            FunctionName = "burst-" + sequence.ToString(CultureInfo.InvariantCulture),
            Environment = new Dictionary<string, string> { ["BURST_FUNCTION"] = $"{_run}-{sequence}" },
            IdleTimeout = IdleTimeout,
        };
        return calls.InvokeAsync("new-function", call, cancellationToken);
    }
}
