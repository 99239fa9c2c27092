using System.Diagnostics;
using FnPipeline.IntegrationTests.Cold;
using FnPipeline.IntegrationTests.Hot;
using FnPipeline.IntegrationTests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace FnPipeline.IntegrationTests.Diagnostics;

/// <summary>
/// The executor's spans as an application sees them: the OpenTelemetry SDK listening to
/// <see cref="FnPipelineTelemetry.ActivitySourceName"/>, exporting to memory, a cold and a hot call on the real engine
/// under a test parent activity. Spans are picked by the parent's trace id (other executors may trace meanwhile).
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class TracingTests(EngineFixture engine)
{
    private static readonly ActivitySource TestSource = new("FnPipeline.IntegrationTests.Tracing");

    [Fact]
    public async Task ColdCall_OneCallSpanUnderTheCallersActivity_WithAStageChildPerStage()
    {
        var exported = new List<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(FnPipelineTelemetry.ActivitySourceName, TestSource.Name)
            .AddInMemoryExporter(exported)
            .Build()!;
        var executor = ExecutorTestKit.Create(engine);
        InvocationResult result;
        ActivityContext parent;
        try
        {
            using (var test = TestSource.StartActivity("test-parent")!)
            {
                parent = test.Context;
                result = await executor.InvokeAsync(ExecutorTestKit.Call(TestImages.TestFunction, "traced") with { CallId = "trace-cold-1" });
            }
        }
        finally
        {
            // Disposal drains the cleanup stage, whose span ends after the caller has its result.
            await executor.DisposeAsync();
            await ExecutorTestKit.AssertNoContainersLeftAsync(engine, executor);
        }

        using (result)
        {
            result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
        }

        tracer.ForceFlush();
        var spans = Snapshot(exported, parent.TraceId);
        var call = spans.Single(s => s.OperationName == "fnpipeline.call");
        call.ParentSpanId.ShouldBe(parent.SpanId);
        call.Source.Name.ShouldBe(FnPipelineTelemetry.ActivitySourceName);
        call.Kind.ShouldBe(ActivityKind.Internal);
        call.GetTagItem("faas.invocation_id").ShouldBe("trace-cold-1");
        call.GetTagItem("faas.name").ShouldBe(TestImages.TestFunction);
        call.GetTagItem("container.image.name").ShouldBe(TestImages.TestFunction);
        call.GetTagItem("fnpipeline.format").ShouldBe("default");
        call.GetTagItem("fnpipeline.status").ShouldBe("success");
        call.GetTagItem("container.id").ShouldBe(result.ContainerId);
        call.GetTagItem("error.type").ShouldBeNull();
        call.Status.ShouldBe(ActivityStatusCode.Unset);

        var children = spans.Where(s => s.ParentSpanId == call.SpanId).Select(s => s.OperationName).ToList();
        children.ShouldBe(["ensure-image", "create-container", "attach-and-start", "wait", "cleanup"], ignoreOrder: true);
    }

    [Fact]
    public async Task HotCall_SpansForAcquireLaunchAndRoundTrip_AndTheFunctionGetsTheTraceparent()
    {
        var exported = new List<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(FnPipelineTelemetry.ActivitySourceName, TestSource.Name)
            .AddInMemoryExporter(exported)
            .Build()!;
        ActivityContext parent;
        InvocationResult result;
        await using (var kit = await HotExecutorKit.StartAsync(engine))
        {
            using (var test = TestSource.StartActivity("test-parent")!)
            {
                parent = test.Context;
                result = await kit.InvokeAsync(HotExecutorKit.Call(TestImages.TestFunction, "!headers") with { CallId = "trace-hot-1" });
            }
        }

        string output;
        using (result)
        {
            result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
            output = result.OutputAsString();
        }

        tracer.ForceFlush();
        var spans = Snapshot(exported, parent.TraceId);
        var call = spans.Single(s => s.OperationName == "fnpipeline.call");
        call.ParentSpanId.ShouldBe(parent.SpanId);
        call.GetTagItem("faas.invocation_id").ShouldBe("trace-hot-1");
        call.GetTagItem("faas.name").ShouldBe("hot");
        call.GetTagItem("fnpipeline.format").ShouldBe("http-stream");
        call.GetTagItem("fnpipeline.status").ShouldBe("success");
        call.GetTagItem("container.id").ShouldBe(result.ContainerId);

        var acquire = spans.Single(s => s.OperationName == "acquire");
        acquire.ParentSpanId.ShouldBe(call.SpanId);
        acquire.GetTagItem("fnpipeline.launched").ShouldBe(true);
        var launchStages = spans.Where(s => s.ParentSpanId == acquire.SpanId).Select(s => s.OperationName).ToList();
        launchStages.ShouldBe(["ensure-image", "create-container", "attach-and-start"], ignoreOrder: true);
        var start = spans.Single(s => s.OperationName == "attach-and-start");
        spans.Single(s => s.OperationName == "socket-wait").ParentSpanId.ShouldBe(start.SpanId);
        var roundTrip = spans.Single(s => s.OperationName == "http-round-trip");
        roundTrip.ParentSpanId.ShouldBe(call.SpanId);
        roundTrip.GetTagItem("http.response.status_code").ShouldBe(200);

        // testfn's !headers echoes the request: the traceparent is the round trip's span, in the caller's trace.
        var traceparent = output.Split('\n')
            .Select(l => l.Split(": ", 2))
            .Where(p => p.Length == 2 && p[0].Equals("traceparent", StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim())
            .ShouldHaveSingleItem();
        var received = ActivityContext.Parse(traceparent, traceState: null);
        received.TraceId.ShouldBe(parent.TraceId);
        received.SpanId.ShouldBe(roundTrip.SpanId);
        received.TraceFlags.HasFlag(ActivityTraceFlags.Recorded).ShouldBeTrue(traceparent);
    }

    private static List<Activity> Snapshot(List<Activity> exported, ActivityTraceId traceId)
    {
        // Read after the executor's disposal: every span of this trace has ended and been exported by then.
        return exported.Where(a => a.TraceId == traceId).ToList();
    }
}
