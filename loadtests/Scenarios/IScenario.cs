using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Scenarios;

/// <summary>A kind of traffic: what one call is. The load simulation decides how many and when.</summary>
internal interface IScenario
{
    string Name { get; }

    string Description { get; }

    /// <summary>The load used when the command line names neither a rate nor a concurrency.</summary>
    LoadModel DefaultModel { get; }

    double DefaultLevel { get; }

    /// <summary>The warm-up used when the command line gives none: long enough for the executor's containers to come up.</summary>
    TimeSpan DefaultWarmup { get; }

    /// <summary>Makes call number <paramref name="sequence"/> and says how it went; never throws for a call's failure.</summary>
    Task<Outcome> InvokeAsync(long sequence, CancellationToken cancellationToken);
}
