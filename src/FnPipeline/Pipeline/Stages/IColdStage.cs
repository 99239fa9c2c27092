namespace FnPipeline.Pipeline.Stages;

/// <summary>
/// One step of a cold call. Throws <see cref="FnCallException"/> for call failures; may finish the call itself. The
/// container's steps (image, create, start) record their own timings through the container lifecycle.
/// </summary>
internal interface IColdStage
{
    /// <summary>Name used in logs and spans.</summary>
    string Name { get; }

    Task ExecuteAsync(ColdCallContext context);
}
