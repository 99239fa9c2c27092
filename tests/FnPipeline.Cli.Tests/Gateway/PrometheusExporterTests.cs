using System.Diagnostics;
using System.Diagnostics.Metrics;
using FnPipeline.Cli.Gateway;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>The Prometheus text rendering of meter instruments (a meter of its own per test: meter names are process-wide).</summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private readonly string _meterName = "FnPipeline.Tests." + Guid.NewGuid().ToString("N");
    private readonly Meter _meter;
    private readonly PrometheusExporter _sut;

    public PrometheusExporterTests()
    {
        _meter = new Meter(_meterName);
        _sut = new PrometheusExporter(_meterName);
    }

    public void Dispose()
    {
        _sut.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Counter_IsATotalPerLabelSet_LabelsSorted()
    {
        var calls = _meter.CreateCounter<long>("fnpipeline.calls", "{call}", "Calls finished, by format and status");
        calls.Add(2, new TagList { { "status", "success" }, { "format", "default" } });
        calls.Add(1, new TagList { { "format", "default" }, { "status", "error" } });
        calls.Add(3, new TagList { { "format", "default" }, { "status", "success" } });

        _sut.Render().ShouldBe("""
            # HELP fnpipeline_calls_total Calls finished, by format and status
            # TYPE fnpipeline_calls_total counter
            fnpipeline_calls_total{format="default",status="error"} 1
            fnpipeline_calls_total{format="default",status="success"} 5

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void UpDownCounter_IsAGauge()
    {
        var queued = _meter.CreateUpDownCounter<long>("fnpipeline.queued", "{call}", "Calls waiting for a container");
        queued.Add(3);
        queued.Add(-1);

        _sut.Render().ShouldBe("""
            # HELP fnpipeline_queued Calls waiting for a container
            # TYPE fnpipeline_queued gauge
            fnpipeline_queued 2

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Histogram_InSeconds_HasCumulativeBucketsSumAndCount()
    {
        var duration = _meter.CreateHistogram<double>("fnpipeline.stage.duration", "s", "Time spent per pipeline stage");
        duration.Record(0.004, new KeyValuePair<string, object?>("stage", "wait"));
        duration.Record(0.2, new KeyValuePair<string, object?>("stage", "wait"));
        duration.Record(1000, new KeyValuePair<string, object?>("stage", "wait"));

        var lines = _sut.Render().Split('\n');

        lines[0].ShouldBe("# HELP fnpipeline_stage_duration_seconds Time spent per pipeline stage");
        lines[1].ShouldBe("# TYPE fnpipeline_stage_duration_seconds histogram");
        lines.ShouldContain("fnpipeline_stage_duration_seconds_bucket{stage=\"wait\",le=\"0.0025\"} 0");
        lines.ShouldContain("fnpipeline_stage_duration_seconds_bucket{stage=\"wait\",le=\"0.005\"} 1");
        lines.ShouldContain("fnpipeline_stage_duration_seconds_bucket{stage=\"wait\",le=\"0.25\"} 2");
        lines.ShouldContain("fnpipeline_stage_duration_seconds_bucket{stage=\"wait\",le=\"300\"} 2");
        lines.ShouldContain("fnpipeline_stage_duration_seconds_bucket{stage=\"wait\",le=\"+Inf\"} 3");
        lines.ShouldContain("fnpipeline_stage_duration_seconds_sum{stage=\"wait\"} 1000.204");
        lines.ShouldContain("fnpipeline_stage_duration_seconds_count{stage=\"wait\"} 3");
    }

    [Fact]
    public void LabelValues_AreEscaped()
    {
        var counter = _meter.CreateCounter<long>("odd", null, null);
        counter.Add(1, new KeyValuePair<string, object?>("path", "a\"b\\c\nd"));

        _sut.Render().ShouldBe("# TYPE odd_total counter\nodd_total{path=\"a\\\"b\\\\c\\nd\"} 1\n");
    }

    [Fact]
    public void OtherMeters_AreIgnored()
    {
        using var other = new Meter(_meterName + ".other");
        other.CreateCounter<long>("not.mine").Add(1);

        _sut.Render().ShouldBeEmpty();
    }
}
