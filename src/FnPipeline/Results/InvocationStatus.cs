namespace FnPipeline;

/// <summary>How a call ended.</summary>
public enum InvocationStatus
{
    /// <summary>The function ran and succeeded.</summary>
    Success = 0,

    /// <summary>The call failed; <see cref="InvocationResult.Error"/> says why.</summary>
    Error = 1,

    /// <summary>The call ran past its timeout; its container was killed.</summary>
    Timeout = 2,

    /// <summary>The container was killed by the kernel (out of memory).</summary>
    Killed = 3,

    /// <summary>The caller cancelled the call; its container was killed.</summary>
    Cancelled = 4,
}
