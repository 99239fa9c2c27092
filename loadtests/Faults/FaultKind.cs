namespace FnPipeline.LoadTests.Faults;

/// <summary>What one call of the fault storm does to the executor.</summary>
internal enum FaultKind
{
    /// <summary>A plain echo: must succeed with its input echoed.</summary>
    Echo,

    /// <summary>Sleeps far longer than its 1 s timeout: must be answered 504 at its timeout.</summary>
    Timeout,

    /// <summary>The function exits with code 3 mid-call.</summary>
    Exit,

    /// <summary>Allocates 64 MiB under an 8 MB limit: the container is OOM-killed.</summary>
    OutOfMemory,

    /// <summary>The caller cancels its CancellationToken mid-call (a client disconnect).</summary>
    Disconnect,

    /// <summary>The scenario kills the call's running container through the engine (<c>docker kill</c>).</summary>
    Kill,
}

/// <summary>Which of the executor's two paths a call takes.</summary>
internal enum Lane
{
    /// <summary>Default format: a new container per call, through the cold Dataflow stages.</summary>
    Cold,

    /// <summary>http-stream: the function's hot containers over their unix sockets.</summary>
    Hot,
}
