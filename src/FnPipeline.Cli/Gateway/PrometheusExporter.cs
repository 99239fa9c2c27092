using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// Listens to the executor's meter (<c>FnPipeline</c>) and the gateway's, keeps running totals, and renders them in the
/// Prometheus text format (0.0.4): counters as <c>_total</c>, up-down counters as gauges, histograms with cumulative
/// buckets. Names follow OpenTelemetry's Prometheus mapping: dots become underscores, unit <c>s</c> adds <c>_seconds</c>.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, PrometheusSeries> _series = new();
    private readonly HashSet<string> _meterNames;

    public PrometheusExporter(params string[] meterNames)
    {
        _meterNames = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meterNames.Contains(instrument.Meter.Name) && PrometheusSeries.Create(instrument) is { } series)
            {
                _series[instrument] = series;
                listener.EnableMeasurementEvents(instrument, series);
            }
        };
        _listener.MeasurementsCompleted = (instrument, state) => _series.TryRemove(instrument, out var _);
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((PrometheusSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((PrometheusSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((PrometheusSeries)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every series, ordered by name, in the text format.</summary>
    public string Render()
    {
        var builder = new StringBuilder(4096);
        foreach (var series in _series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            series.Write(builder);
        }

        return builder.ToString();
    }

    public void Dispose() => _listener.Dispose();
}
