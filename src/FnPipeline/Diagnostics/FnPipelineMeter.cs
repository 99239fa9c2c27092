namespace FnPipeline;

/// <summary>The name of the executor's <see cref="System.Diagnostics.Metrics.Meter"/>, for listeners and OpenTelemetry's <c>AddMeter</c>.</summary>
public static class FnPipelineMeter
{
    /// <summary>The meter's name: <c>FnPipeline</c> (instruments and attributes are listed in docs/operations.md).</summary>
    public const string Name = "FnPipeline";
}
