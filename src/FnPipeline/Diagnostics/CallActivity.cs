using System.Diagnostics;

namespace FnPipeline.Diagnostics;

/// <summary>
/// The call's span (<c>fnpipeline.call</c>) and its stage children, named after OpenTelemetry's FaaS conventions where
/// they fit. With no listener on <see cref="FnPipelineTelemetry.ActivitySourceName"/> every method returns null or
/// does nothing without allocating: the hot path pays one listener check per call.
/// </summary>
internal static class CallActivity
{
    public const string CallSpanName = "fnpipeline.call";

    public static readonly ActivitySource Source = new(FnPipelineTelemetry.ActivitySourceName);

    /// <summary>Starts the call's span under the caller's <see cref="Activity.Current"/>; null when nobody listens.</summary>
    public static Activity? StartCall(FunctionCall call, string callId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(CallSpanName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("faas.name", string.IsNullOrEmpty(call.FunctionName) ? call.Image : call.FunctionName);
            activity.SetTag("faas.invocation_id", callId);
            activity.SetTag("container.image.name", call.Image);
            activity.SetTag("fnpipeline.format", FunctionFormatNames.Of(call.Format));
        }

        return activity;
    }

    /// <summary>The call's span when it is the current activity (a stage runs in the call's flow), else null.</summary>
    public static Activity? CurrentCall() =>
        Activity.Current is { } current && ReferenceEquals(current.Source, Source) && current.OperationName == CallSpanName ? current : null;

    /// <summary>A stage child of <paramref name="parent"/>; null when tracing is off for this call.</summary>
    public static Activity? StartStage(string stage, Activity? parent) =>
        parent is null ? null : Source.StartActivity(stage, ActivityKind.Internal, parent.Context);

    /// <summary>A stage child of the current activity (the caller's flow carries the call's span).</summary>
    public static Activity? StartStage(string stage) =>
        Activity.Current is { } current && ReferenceEquals(current.Source, Source) ? Source.StartActivity(stage, ActivityKind.Internal) : null;

    /// <summary>Records how the call ended: status, container, and <c>error.type</c> with an error status on failure.</summary>
    public static void Finish(Activity? activity, InvocationResult result)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag("fnpipeline.status", StatusName(result.Status));
        if (result.ContainerId is { } containerId)
        {
            activity.SetTag("container.id", containerId);
        }

        if (result.Status != InvocationStatus.Success)
        {
            var errorType = result.Error is { } error ? ErrorTypeName(error.Kind) : StatusName(result.Status);
            activity.SetTag("error.type", errorType);
            activity.SetStatus(ActivityStatusCode.Error, result.Error?.Message);
        }
    }

    /// <summary>The call threw (an engine failure, an invalid call): the exception's type is the <c>error.type</c>.</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("error.type", exception.GetType().FullName);
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
    }

    /// <summary>Ends a stage span; a failure sets its <c>error.type</c> (the call's error kind, or the exception type).</summary>
    public static void EndStage(Activity? stage, Exception? failure)
    {
        if (stage is null)
        {
            return;
        }

        switch (failure)
        {
            case null:
                break;
            case FnCallException call:
                FailStage(stage, ErrorTypeName(call.Error.Kind));
                break;
            case OperationCanceledException:
                // A timeout, a cancellation or shutdown: the call span's error.type says which.
                FailStage(stage, "cancelled");
                break;
            default:
                FailStage(stage, failure.GetType().FullName!);
                break;
        }

        stage.Dispose();
    }

    /// <summary>A failed stage child: error status and type, so a trace shows where the call broke.</summary>
    public static void FailStage(Activity? stage, string errorType)
    {
        if (stage is null)
        {
            return;
        }

        stage.SetTag("error.type", errorType);
        stage.SetStatus(ActivityStatusCode.Error);
    }

    /// <summary>snake_case of the error kind (e.g. <c>timeout</c>, <c>container_exit</c>), low cardinality by design.</summary>
    public static string ErrorTypeName(FnErrorKind kind) => kind switch
    {
        FnErrorKind.InvalidCall => "invalid_call",
        FnErrorKind.TooBusy => "too_busy",
        FnErrorKind.ImageNotFound => "image_not_found",
        FnErrorKind.ImageUnauthorized => "image_unauthorized",
        FnErrorKind.ImagePullFailed => "image_pull_failed",
        FnErrorKind.ImagePullTimeout => "image_pull_timeout",
        FnErrorKind.ContainerExit => "container_exit",
        FnErrorKind.OutOfMemory => "out_of_memory",
        FnErrorKind.Timeout => "timeout",
        FnErrorKind.Cancelled => "cancelled",
        FnErrorKind.OutputTooLarge => "output_too_large",
        FnErrorKind.FunctionFailed => "function_failed",
        FnErrorKind.InvalidFunctionResponse => "invalid_function_response",
        FnErrorKind.ContainerInitTimeout => "container_init_timeout",
        FnErrorKind.ContainerInitFailed => "container_init_failed",
        FnErrorKind.UnsupportedOption => "unsupported_option",
        FnErrorKind.EngineError => "engine_error",
        FnErrorKind.ShuttingDown => "shutting_down",
        _ => "_OTHER",
    };

    private static string StatusName(InvocationStatus status) => status switch
    {
        InvocationStatus.Success => "success",
        InvocationStatus.Error => "error",
        InvocationStatus.Timeout => "timeout",
        InvocationStatus.Killed => "killed",
        _ => "cancelled",
    };
}
