namespace FnPipeline;

/// <summary>What went wrong with a call. Each kind has an HTTP-style status (see <see cref="FnError.StatusCode"/>).</summary>
public enum FnErrorKind
{
    /// <summary>The call was invalid (400), or its image is one the executor refuses (it declares volumes).</summary>
    InvalidCall,

    /// <summary>The executor or the engine is saturated; retry later (503).</summary>
    TooBusy,

    /// <summary>The image does not exist in its registry (404).</summary>
    ImageNotFound,

    /// <summary>The registry refused the credentials (401).</summary>
    ImageUnauthorized,

    /// <summary>The image could not be pulled for another reason (502, or the registry's 4xx).</summary>
    ImagePullFailed,

    /// <summary>The image pull took longer than the pull timeout (504).</summary>
    ImagePullTimeout,

    /// <summary>The container exited with a non-zero code (502).</summary>
    ContainerExit,

    /// <summary>The container ran out of memory (502).</summary>
    OutOfMemory,

    /// <summary>The call ran past its timeout (504).</summary>
    Timeout,

    /// <summary>The caller cancelled the call (499).</summary>
    Cancelled,

    /// <summary>The function's output exceeded the maximum output size (502).</summary>
    OutputTooLarge,

    /// <summary>The function reported a failure (http-stream 502; the container is kept).</summary>
    FunctionFailed,

    /// <summary>The function answered outside the contract or the connection broke (502).</summary>
    InvalidFunctionResponse,

    /// <summary>The hot container did not open its socket in time (504).</summary>
    ContainerInitTimeout,

    /// <summary>The hot container failed before it opened its socket (502).</summary>
    ContainerInitFailed,

    /// <summary>The engine refused an option (400), e.g. a filesystem size on a storage driver without quotas.</summary>
    UnsupportedOption,

    /// <summary>The engine failed (500).</summary>
    EngineError,

    /// <summary>The executor is shutting down (503).</summary>
    ShuttingDown,

    /// <summary>
    /// The container did not start within <see cref="FnPipelineOptions.StartTimeout"/> (queue, image, create and start;
    /// hot: the wait for a container, its launch included) (504). The function did not run.
    /// </summary>
    StartTimeout,

    /// <summary>
    /// Fleet: the node that took the call stopped answering before it replied (it died or lost NATS) (502). The call may
    /// or may not have run; a synchronous call is never sent to a second node.
    /// </summary>
    NodeLost,

    /// <summary>Fleet: NATS cannot be reached, or no node of the fleet answered (503). The call did not run.</summary>
    FleetUnavailable,
}
