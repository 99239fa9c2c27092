using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FnPipeline.Diagnostics;

/// <summary>The executor's meters (meter name <c>FnPipeline</c>), read by the gateway's <c>/metrics</c> and any listener.</summary>
internal sealed class FnPipelineMetrics : IDisposable
{
    public const string MeterName = "FnPipeline";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _stageDuration;
    private readonly UpDownCounter<long> _containers;
    private readonly UpDownCounter<long> _queued;

    public FnPipelineMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _calls = _meter.CreateCounter<long>("fnpipeline.calls", "{call}", "Calls finished, by format and status");
        _callDuration = _meter.CreateHistogram<double>("fnpipeline.call.duration", "s", "Call duration from submission to result");
        _stageDuration = _meter.CreateHistogram<double>("fnpipeline.stage.duration", "s", "Time spent per pipeline stage");
        _containers = _meter.CreateUpDownCounter<long>("fnpipeline.containers", "{container}", "Containers the executor created and the engine has not yet confirmed removed, by format (default, http-stream, pre-fork)");
        _queued = _meter.CreateUpDownCounter<long>("fnpipeline.queued", "{call}", "Calls waiting for a container");
    }

    public void CallFinished(FunctionFormat format, InvocationStatus status, TimeSpan duration)
    {
        var tags = new TagList { { "format", FunctionFormatNames.Of(format) }, { "status", StatusTag(status) } };
        _calls.Add(1, tags);
        _callDuration.Record(duration.TotalSeconds, tags);
    }

    public void StageFinished(string stage, TimeSpan duration) =>
        _stageDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    /// <summary>The removal queue's tracked set changed: <paramref name="delta"/> containers of <paramref name="kind"/>.</summary>
    public void ContainersChanged(string kind, int delta) => _containers.Add(delta, new KeyValuePair<string, object?>("format", kind));

    public void Queued(long delta) => _queued.Add(delta);

    public void Dispose() => _meter.Dispose();

    private static string StatusTag(InvocationStatus status) => status switch
    {
        InvocationStatus.Success => "success",
        InvocationStatus.Error => "error",
        InvocationStatus.Timeout => "timeout",
        InvocationStatus.Killed => "killed",
        _ => "cancelled",
    };
}
