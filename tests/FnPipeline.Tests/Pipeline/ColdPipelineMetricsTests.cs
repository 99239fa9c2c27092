using System.Diagnostics.Metrics;
using FnPipeline.Diagnostics;
using FnPipeline.Tests.Fakes;
using Shouldly;
using Xunit;

namespace FnPipeline.Tests.Pipeline;

/// <summary>Meters are process-wide: these tests run alone so no other executor adds measurements.</summary>
[CollectionDefinition(nameof(MeterListenerTests), DisableParallelization = true)]
public sealed class MeterListenerTests;

[Collection(nameof(MeterListenerTests))]
public sealed class ColdPipelineMetricsTests
{
    [Fact]
    public async Task Metrics_ContainersGaugeCountsCreationAndRemoval()
    {
        var driver = new FakeContainerDriver();
        long containers = 0;
        var created = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FnPipelineMetrics.MeterName && instrument.Name == "fnpipeline.containers")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            Interlocked.Add(ref containers, value);
            if (value > 0)
            {
                Interlocked.Increment(ref created);
            }
        });
        listener.Start();
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "metrics" }, driver, null, null, null);

        using var result = await executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn", Input = CallInput.FromString("x") });
        // The removal's -1 is recorded just after the fake counts the removal: wait for what is asserted.
        await Eventually.HoldsAsync(() => driver.Removed == 1 && Interlocked.Read(ref containers) == 0);

        Volatile.Read(ref created).ShouldBe(1);
        Interlocked.Read(ref containers).ShouldBe(0);
    }

    [Fact]
    public async Task Metrics_ContainersGaugeIsTheTrackedSet_AContainerWhoseRemovalFailsStaysCounted()
    {
        var engineAway = true;
        var driver = new FakeContainerDriver { RemovalFailure = _ => Volatile.Read(ref engineAway) ? new HttpRequestException("engine away") : null };
        long containers = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FnPipelineMetrics.MeterName && instrument.Name == "fnpipeline.containers")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref containers, value));
        listener.Start();
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "metrics-away" }, driver, null, null, null);

        using var result = await executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn", Input = CallInput.FromString("x") });
        await Eventually.HoldsAsync(() => executor.ColdContainersInUse == 0 && driver.RemovalAttempts >= 2);

        Interlocked.Read(ref containers).ShouldBe(1);

        Volatile.Write(ref engineAway, false);
        await Eventually.HoldsAsync(() => Interlocked.Read(ref containers) == 0 && driver.Removed == 1);
    }
}
