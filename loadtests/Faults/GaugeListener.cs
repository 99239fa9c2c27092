using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FnPipeline.LoadTests.Faults;

/// <summary>
/// Follows the executor's up-down counters (meter <c>FnPipeline</c>: <c>fnpipeline.containers</c> by format,
/// <c>fnpipeline.queued</c>) as a metrics exporter would, so the storm can check they come back to 0. Start it before
/// the executor is created: the counters' values are the sums of what was added since.
/// </summary>
internal sealed class GaugeListener : IDisposable
{
    public const string Containers = "fnpipeline.containers";
    public const string Queued = "fnpipeline.queued";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _values = new(StringComparer.Ordinal);

    public GaugeListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "FnPipeline" && instrument.Name is Containers or Queued)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var format = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "format")
                {
                    format = tag.Value as string ?? "";
                }
            }

            _values.AddOrUpdate(Key(instrument.Name, format), value, (_, current) => current + value);
        });
        _listener.Start();
    }

    /// <summary>The counter's value for one format (<c>default</c>, <c>http-stream</c>), or over all formats when <c>null</c>.</summary>
    public long Value(string instrument, string? format = null) => format is null
        ? _values.Where(v => v.Key.StartsWith(instrument + "|", StringComparison.Ordinal)).Sum(v => v.Value)
        : _values.GetValueOrDefault(Key(instrument, format));

    /// <summary>Every counter and format with its value, e.g. <c>fnpipeline.containers{format=default}=0</c>.</summary>
    public string Describe() => _values.IsEmpty
        ? "no measurement"
        : string.Join(", ", _values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v =>
            v.Key.Split('|') is [var name, var format] && format.Length > 0 ? $"{name}{{format={format}}}={v.Value}" : $"{v.Key.TrimEnd('|')}={v.Value}"));

    public void Dispose() => _listener.Dispose();

    private static string Key(string instrument, string format) => instrument + "|" + format;
}
