using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FnPipeline.Diagnostics;

/// <summary>The executor's instruments on the meter <see cref="FnPipelineMeter.Name"/>, read by the gateway's <c>/metrics</c> and any listener.</summary>
internal sealed class FnPipelineMetrics : IDisposable
{
    public const string MeterName = FnPipelineMeter.Name;

    // Attribute names, namespaced so that they do not collide with a host's own (error.type is OpenTelemetry's).
    public const string FunctionTag = "fnpipeline.function";
    public const string FormatTag = "fnpipeline.format";
    public const string StatusTag = "fnpipeline.status";
    public const string StageTag = "fnpipeline.stage";
    public const string ErrorTypeTag = "error.type";

    // Stage values: the Server-Timing names, the same for both lanes.
    public const string QueueStage = "queue";
    public const string ImageStage = "image";
    public const string CreateStage = "create";
    public const string StartStage = "start";
    public const string SocketStage = "socket";
    public const string RunStage = "run";
    public const string CleanupStage = "cleanup";

    /// <summary>
    /// Seconds, from a hot hand-off (tens of microseconds) to a cold call with a pull (minutes). OpenTelemetry's default
    /// buckets (0, 5, 10, … 10000) assume milliseconds and would put every call in the first few.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private static readonly string[] ErrorKindNames = Enum.GetNames<FnErrorKind>();

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _stageDuration;
    private readonly UpDownCounter<long> _containers;
    private readonly UpDownCounter<long> _queued;

    public FnPipelineMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets };
        _calls = _meter.CreateCounter<long>("fnpipeline.calls", "{call}", "Calls finished (engine failures included), by function, format, status and error type");
        _callDuration = _meter.CreateHistogram("fnpipeline.call.duration", "s", "Call duration from submission to result", tags: null, advice);
        _stageDuration = _meter.CreateHistogram("fnpipeline.stage.duration", "s", "Time a call spent in each stage, by function, format and stage", tags: null, advice);
        _containers = _meter.CreateUpDownCounter<long>("fnpipeline.containers", "{container}", "Containers the executor created and the engine has not yet confirmed removed, by format (default, http-stream, pre-fork)");
        _queued = _meter.CreateUpDownCounter<long>("fnpipeline.queued", "{call}", "Calls waiting for a container");
    }

    /// <summary>The function dimension: the caller's function name, else the image (bounded by what the caller runs).</summary>
    public static string FunctionOf(FunctionCall call) => string.IsNullOrEmpty(call.FunctionName) ? call.Image : call.FunctionName;

    /// <summary>A call ended with <paramref name="result"/>, or threw <paramref name="thrown"/> (an engine failure).</summary>
    public void CallFinished(FunctionCall call, InvocationResult? result, Exception? thrown, TimeSpan duration)
    {
        var status = result?.Status ?? InvocationStatus.Error;
        var tags = new TagList
        {
            { FunctionTag, FunctionOf(call) },
            { FormatTag, FunctionFormatNames.Of(call.Format) },
            { StatusTag, StatusName(status) },
        };
        if (ErrorType(result, thrown) is { } errorType)
        {
            tags.Add(ErrorTypeTag, errorType);
        }

        _calls.Add(1, tags);
        _callDuration.Record(duration.TotalSeconds, tags);
    }

    public void StageFinished(FunctionCall call, string stage, TimeSpan duration) =>
        _stageDuration.Record(duration.TotalSeconds, new TagList
        {
            { FunctionTag, FunctionOf(call) },
            { FormatTag, FunctionFormatNames.Of(call.Format) },
            { StageTag, stage },
        });

    /// <summary>The removal queue's tracked set changed: <paramref name="delta"/> containers of <paramref name="kind"/>.</summary>
    public void ContainersChanged(string kind, int delta) => _containers.Add(delta, new KeyValuePair<string, object?>(FormatTag, kind));

    public void Queued(long delta) => _queued.Add(delta);

    public void Dispose() => _meter.Dispose();

    /// <summary>The error's kind (e.g. <c>Timeout</c>), or the thrown exception's type; none on success.</summary>
    private static string? ErrorType(InvocationResult? result, Exception? thrown)
    {
        if (thrown is not null)
        {
            return thrown.GetType().FullName;
        }

        if (result is null || result.Status == InvocationStatus.Success)
        {
            return null;
        }

        return result.Error is { } error && (int)error.Kind >= 0 && (int)error.Kind < ErrorKindNames.Length
            ? ErrorKindNames[(int)error.Kind]
            : StatusName(result.Status);
    }

    private static string StatusName(InvocationStatus status) => status switch
    {
        InvocationStatus.Success => "success",
        InvocationStatus.Error => "error",
        InvocationStatus.Timeout => "timeout",
        InvocationStatus.Killed => "killed",
        _ => "cancelled",
    };
}
