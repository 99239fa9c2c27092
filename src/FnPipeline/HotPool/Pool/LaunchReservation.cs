namespace FnPipeline.HotPool;

/// <summary>The answer to "may this function start another container now?".</summary>
internal enum LaunchReservation
{
    /// <summary>Yes: a place is reserved in the function's and the executor's limits.</summary>
    Reserved,

    /// <summary>No: the calls waiting for this function do not outnumber its idle and starting containers.</summary>
    NotNeeded,

    /// <summary>The function has its maximum of containers.</summary>
    FunctionFull,

    /// <summary>The executor has its maximum of hot containers.</summary>
    ExecutorFull,

    /// <summary>The executor has its maximum of launches in flight (<see cref="HotPoolOptions.MaxConcurrentStarts"/>).</summary>
    StartsFull,

    /// <summary>The pool was retired (empty and unused); look the function's pool up again.</summary>
    Retired,
}
