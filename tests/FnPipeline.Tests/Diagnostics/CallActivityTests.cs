using System.Collections.Concurrent;
using System.Diagnostics;
using FnPipeline.Tests.Fakes;
using Shouldly;
using Xunit;

namespace FnPipeline.Tests.Diagnostics;

/// <summary>
/// The call span's failure attributes on the fake driver. The listener is process-wide: spans are picked by the
/// trace id of this test's own parent activity.
/// </summary>
public sealed class CallActivityTests : IDisposable
{
    private const string TestSourceName = "FnPipeline.Tests.Tracing";

    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public CallActivityTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is FnPipelineTelemetry.ActivitySourceName or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task ContainerExitsNonZero_CallSpanHasErrorTypeAndErrorStatus()
    {
        var driver = new FakeContainerDriver { Behavior = _ => new FakeBehavior { ExitCode = 3, Stderr = "boom" } };
        var (result, traceId) = await InvokeUnderParentAsync(driver, new FunctionCall { Image = "fnpipeline/testfn", CallId = "exit-3" });

        result.Status.ShouldBe(InvocationStatus.Error);
        var call = CallSpan(traceId);
        call.GetTagItem("error.type").ShouldBe("container_exit");
        call.GetTagItem("fnpipeline.status").ShouldBe("error");
        call.GetTagItem("faas.invocation_id").ShouldBe("exit-3");
        call.Status.ShouldBe(ActivityStatusCode.Error);
    }

    [Fact]
    public async Task ImageNotFound_TheEnsureImageStageAndTheCallCarryTheErrorType()
    {
        var driver = new FakeContainerDriver
        {
            ImageFailure = image => new FnCallException(new FnError(FnErrorKind.ImageNotFound, 404, $"Failed to pull image '{image}': manifest unknown")),
        };
        var (result, traceId) = await InvokeUnderParentAsync(driver, new FunctionCall { Image = "fnpipeline/missing" });

        result.Error!.Kind.ShouldBe(FnErrorKind.ImageNotFound);
        var call = CallSpan(traceId);
        call.GetTagItem("error.type").ShouldBe("image_not_found");
        var stage = Spans(traceId).Single(s => s.OperationName == "ensure-image");
        stage.ParentSpanId.ShouldBe(call.SpanId);
        stage.GetTagItem("error.type").ShouldBe("image_not_found");
        stage.Status.ShouldBe(ActivityStatusCode.Error);
        Spans(traceId).ShouldNotContain(s => s.OperationName == "create-container");
    }

    [Fact]
    public async Task EngineFailure_TheCallSpanNamesTheExceptionType()
    {
        var driver = new FakeContainerDriver { ImageFailure = _ => new HttpRequestException("engine away") };
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "trace-engine" }, driver, null, null, null);
        ActivityTraceId traceId;
        using (var parent = TestSource.StartActivity("test-parent")!)
        {
            traceId = parent.TraceId;
            await Should.ThrowAsync<FnEngineException>(() => executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn" }));
        }

        var call = CallSpan(traceId);
        call.GetTagItem("error.type").ShouldBe(typeof(FnEngineException).FullName);
        call.Status.ShouldBe(ActivityStatusCode.Error);
    }

    public void Dispose() => _listener.Dispose();

    private static async Task<(InvocationResult Result, ActivityTraceId TraceId)> InvokeUnderParentAsync(FakeContainerDriver driver, FunctionCall call)
    {
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "trace-unit" }, driver, null, null, null);
        using var parent = TestSource.StartActivity("test-parent")!;
        var result = await executor.InvokeAsync(call);
        Activity.Current.ShouldBeSameAs(parent);
        return (result, parent.TraceId);
    }

    private Activity CallSpan(ActivityTraceId traceId) => Spans(traceId).Single(s => s.OperationName == "fnpipeline.call");

    private List<Activity> Spans(ActivityTraceId traceId) => _stopped.Where(s => s.TraceId == traceId).ToList();
}
