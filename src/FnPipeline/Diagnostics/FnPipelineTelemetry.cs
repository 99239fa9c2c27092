namespace FnPipeline;

/// <summary>The names the executor's telemetry goes by, for wiring a tracer (e.g. <c>AddSource(ActivitySourceName)</c>).</summary>
public static class FnPipelineTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of one span per call and its stage children.</summary>
    public const string ActivitySourceName = "FnPipeline";
}
