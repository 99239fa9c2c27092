using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Scenarios;

/// <summary>
/// The two echo calls the scenarios are made of, one implementation per way of making them: through the executor
/// (<see cref="EchoCalls"/>) or the bare way a program would without FnPipeline (the baselines).
/// </summary>
internal interface IEchoPaths
{
    /// <summary>Shown in the report, e.g. "FnExecutor" or "bare Docker.DotNet / HttpClient".</summary>
    string Name { get; }

    /// <summary>A default-format echo: one container per call.</summary>
    Task<Outcome> ColdAsync(CancellationToken cancellationToken);

    /// <summary>An http-stream echo on a hot container.</summary>
    Task<Outcome> HotAsync(CancellationToken cancellationToken);
}
