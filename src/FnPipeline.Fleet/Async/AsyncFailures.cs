namespace FnPipeline.Fleet.Async;

/// <summary>What a node does with a run's outcome (docs/fleet.md, "Retries").</summary>
internal enum RunVerdict
{
    /// <summary>Store it: a success, or a failure a retry cannot change (invalid call, image not found...).</summary>
    Store,

    /// <summary>The engine or the node failed: count the run, retry with back-off up to MaxAttempts.</summary>
    RetryEngineFailure,

    /// <summary>The function failed: store it, unless the call asked for its failures to be retried.</summary>
    FunctionFailure,

    /// <summary>The node stopped the run (it shuts down): hand the call to another node at once, uncounted.</summary>
    Abandoned,
}

internal static class AsyncFailures
{
    public static RunVerdict Classify(InvocationResult result, bool nodeStopping) => result.Error?.Kind switch
    {
        null => RunVerdict.Store,
        FnErrorKind.Cancelled => nodeStopping ? RunVerdict.Abandoned : RunVerdict.RetryEngineFailure,
        FnErrorKind.TooBusy or FnErrorKind.EngineError or FnErrorKind.ShuttingDown or FnErrorKind.ImagePullTimeout
            or FnErrorKind.ImagePullFailed or FnErrorKind.StartTimeout or FnErrorKind.ContainerInitTimeout
            or FnErrorKind.NodeLost or FnErrorKind.FleetUnavailable => RunVerdict.RetryEngineFailure,
        FnErrorKind.ContainerExit or FnErrorKind.OutOfMemory or FnErrorKind.Timeout or FnErrorKind.OutputTooLarge
            or FnErrorKind.FunctionFailed or FnErrorKind.InvalidFunctionResponse or FnErrorKind.ContainerInitFailed => RunVerdict.FunctionFailure,
        _ => RunVerdict.Store,
    };
}
