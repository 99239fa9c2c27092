namespace FnPipeline.HotPool;

/// <summary>Why a running call's token fired; the first reason wins.</summary>
internal enum CallAbortReason
{
    None,

    /// <summary>The call ran past its timeout.</summary>
    Timeout,

    /// <summary>The caller cancelled.</summary>
    Caller,

    /// <summary>The executor shut down and the drain timeout passed.</summary>
    Shutdown,
}
