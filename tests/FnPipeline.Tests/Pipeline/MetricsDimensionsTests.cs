using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FnPipeline.Diagnostics;
using FnPipeline.Tests.Fakes;
using FnPipeline.Tests.HotPool.Fakes;
using Shouldly;
using Xunit;

namespace FnPipeline.Tests.Pipeline;

/// <summary>
/// The instruments' advice and attributes for both lanes, on the fakes. Each test has its own meter factory and
/// listens to that factory's meters only, so executors of other tests running meanwhile add nothing.
/// </summary>
public sealed class MetricsDimensionsTests : IDisposable
{
    private readonly ScopedMeterFactory _factory = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new();

    public MetricsDimensionsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, _factory))
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    [Fact]
    public void Histograms_AdviseSecondsBucketsFromFiftyMicrosecondsToFiveMinutes()
    {
        using var metrics = new FnPipelineMetrics(_factory);

        foreach (var name in new[] { "fnpipeline.call.duration", "fnpipeline.stage.duration" })
        {
            var histogram = _instruments[name].ShouldBeOfType<Histogram<double>>();
            histogram.Unit.ShouldBe("s");
            histogram.Meter.Name.ShouldBe(FnPipelineMeter.Name);
            var buckets = histogram.Advice!.HistogramBucketBoundaries!;
            buckets[0].ShouldBe(0.00005);
            buckets[^1].ShouldBe(300);
            buckets.ShouldBeInOrder(SortDirection.Ascending);
            buckets.ShouldContain(0.001);
            buckets.ShouldContain(1);
        }
    }

    [Fact]
    public async Task ColdCall_RecordsFunctionNameFormatStatusAndEveryStage()
    {
        var driver = new FakeContainerDriver();
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "metrics-dims" }, driver, null, null, null, new FnPipelineMetrics(_factory));

        using var result = await executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn", FunctionName = "cold-fn", Input = CallInput.FromString("x") });
        result.Status.ShouldBe(InvocationStatus.Success);
        // Cleanup runs after the caller has the result: wait for its measurement.
        await Eventually.HoldsAsync(() => Stages("cold-fn").Contains(FnPipelineMetrics.CleanupStage));

        var call = _measurements.Single(m => m.Instrument == "fnpipeline.calls");
        call.Value.ShouldBe(1);
        call.Tags.ShouldBe(new Dictionary<string, object?>
        {
            ["fnpipeline.function"] = "cold-fn",
            ["fnpipeline.format"] = "default",
            ["fnpipeline.status"] = "success",
        });
        _measurements.Single(m => m.Instrument == "fnpipeline.call.duration").Tags.ShouldBe(call.Tags);
        Stages("cold-fn").ShouldBe(["cleanup", "create", "image", "queue", "run", "start"], ignoreOrder: true);
        _measurements.Where(m => m.Instrument == "fnpipeline.stage.duration")
            .ShouldAllBe(m => (string?)m.Tags["fnpipeline.format"] == "default");
    }

    [Fact]
    public async Task ColdCall_FailedAndEngineFailure_CarryErrorType()
    {
        var engineDown = false;
        var driver = new FakeContainerDriver
        {
            Behavior = _ => new FakeBehavior { ExitCode = 3 },
            ImageFailure = _ => Volatile.Read(ref engineDown) ? new HttpRequestException("engine away") : null,
        };
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "metrics-err" }, driver, null, null, null, new FnPipelineMetrics(_factory));

        using (var failed = await executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn", Input = CallInput.FromString("x") }))
        {
            failed.Error!.Kind.ShouldBe(FnErrorKind.ContainerExit);
        }

        Volatile.Write(ref engineDown, true);
        await Should.ThrowAsync<FnEngineException>(() => executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn", Input = CallInput.FromString("x") }));

        var calls = _measurements.Where(m => m.Instrument == "fnpipeline.calls").Select(m => m.Tags).ToList();
        calls.Count.ShouldBe(2);
        calls.ShouldAllBe(tags => (string?)tags["fnpipeline.function"] == "fnpipeline/testfn" && (string?)tags["fnpipeline.status"] == "error");
        calls.Select(tags => (string?)tags["error.type"]).ShouldBe(["ContainerExit", "FnPipeline.FnEngineException"], ignoreOrder: true);
    }

    [Fact]
    public async Task ColdCall_EngineFailureAtStart_IsCountedWithTheStagesItWentThrough()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { StartFailure = new HttpRequestException("engine away") } };
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "metrics-start" }, driver, null, null, null, new FnPipelineMetrics(_factory));

        await Should.ThrowAsync<FnEngineException>(() => executor.InvokeAsync(
            new FunctionCall { Image = "fnpipeline/testfn", FunctionName = "cold-broken", Input = CallInput.FromString("x") }));

        // Cleanup (the removal of what the call made) runs after the caller has the failure: wait for its measurement.
        await Eventually.HoldsAsync(() => Stages("cold-broken").Contains(FnPipelineMetrics.CleanupStage));

        var call = _measurements.Single(m => m.Instrument == "fnpipeline.calls");
        call.Tags["fnpipeline.status"].ShouldBe("error");
        call.Tags["error.type"].ShouldBe("FnPipeline.FnEngineException");
        Stages("cold-broken").ShouldBe(["cleanup", "create", "image", "queue", "start"], ignoreOrder: true);
    }

    [Fact]
    public async Task EngineFailureBeforeEitherLane_IsCounted()
    {
        // The engine is unreachable when the executor first starts it.
        var driver = new FakeContainerDriver { Initialization = _ => Task.FromException(new FnEngineException("The engine at unix:///nowhere did not answer")) };
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "metrics-init" }, driver, null, null, null, new FnPipelineMetrics(_factory));

        await Should.ThrowAsync<FnEngineException>(() => executor.InvokeAsync(
            new FunctionCall { Image = "fnpipeline/testfn", FunctionName = "never-reached", Input = CallInput.FromString("x") }));

        var call = _measurements.Single(m => m.Instrument == "fnpipeline.calls");
        call.Tags["fnpipeline.function"].ShouldBe("never-reached");
        call.Tags["error.type"].ShouldBe("FnPipeline.FnEngineException");
    }

    [Fact]
    public async Task HotCall_EngineFailureInItsLaunch_IsCountedWithTheLaunchsStages()
    {
        await using var harness = HotPoolHarness.Create(meterFactory: _factory);
        harness.Driver.ImageFailure = _ => new HttpRequestException("engine away");
        var call = HotPoolHarness.Call("hot");

        await Should.ThrowAsync<FnEngineException>(() => harness.InvokeAsync(call));

        var calls = _measurements.Where(m => m.Instrument == "fnpipeline.calls").ToList();
        calls.Count.ShouldBe(1);
        calls[0].Tags["fnpipeline.status"].ShouldBe("error");
        calls[0].Tags["error.type"].ShouldBe("FnPipeline.FnEngineException");
        // The launch recorded the stage it failed in; the call itself never got a container (no queue figure: it threw).
        Stages(call.Image).ShouldBe(["image"]);
    }

    [Fact]
    public async Task HotCall_RecordsTheImageAsFunctionAndItsStages_TheLaunchOnlyForTheCallThatLaunched()
    {
        await using var harness = HotPoolHarness.Create(meterFactory: _factory);
        var call = HotPoolHarness.Call("hot");

        using (var first = await harness.InvokeAsync(call))
        {
            first.Status.ShouldBe(InvocationStatus.Success);
        }

        using (var second = await harness.InvokeAsync(call))
        {
            second.Status.ShouldBe(InvocationStatus.Success);
        }

        var calls = _measurements.Where(m => m.Instrument == "fnpipeline.calls").ToList();
        calls.Count.ShouldBe(2);
        calls.ShouldAllBe(m => (string?)m.Tags["fnpipeline.function"] == call.Image
            && (string?)m.Tags["fnpipeline.format"] == "http-stream"
            && (string?)m.Tags["fnpipeline.status"] == "success"
            && !m.Tags.ContainsKey("error.type"));
        var stages = Stages(call.Image);
        // Two calls: queue and run each; image, create and start once (the second call reused the container).
        stages.Count(s => s == "queue").ShouldBe(2);
        stages.Count(s => s == "run").ShouldBe(2);
        stages.Count(s => s == "image").ShouldBe(1);
        stages.Count(s => s == "create").ShouldBe(1);
        stages.Count(s => s == "start").ShouldBe(1);
        harness.Driver.Containers.Count.ShouldBe(1);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _factory.Dispose();
    }

    private List<string> Stages(string function) =>
        [.. _measurements.Where(m => m.Instrument == "fnpipeline.stage.duration" && (string?)m.Tags["fnpipeline.function"] == function)
            .Select(m => (string)m.Tags["fnpipeline.stage"]!)];

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new Measurement(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    /// <summary>Creates meters scoped to itself, so that a listener can tell this test's meters from any other's.</summary>
    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            options.Scope = this;
            var meter = new Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
            }
        }
    }
}
