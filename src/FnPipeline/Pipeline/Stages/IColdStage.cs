namespace FnPipeline.Pipeline.Stages;

/// <summary>One step of a cold call. Throws <see cref="FnCallException"/> for call failures; may finish the call itself.</summary>
internal interface IColdStage
{
    /// <summary>Name used in logs and the stage-duration metric.</summary>
    string Name { get; }

    Task ExecuteAsync(ColdCallContext context);

    /// <summary>Records the stage's elapsed time on the call.</summary>
    void RecordTiming(StageTimings timings, TimeSpan elapsed);
}
