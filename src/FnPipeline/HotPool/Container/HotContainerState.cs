namespace FnPipeline.HotPool;

/// <summary>Life of a hot container. Transitions happen under the container's lock.</summary>
internal enum HotContainerState
{
    /// <summary>Being created and started; not yet listening.</summary>
    Starting,

    /// <summary>Listening, held by its launch and not yet handed to a call or the pool.</summary>
    Ready,

    /// <summary>In its pool's idle stack (maybe paused).</summary>
    Idle,

    /// <summary>Serving one call.</summary>
    Busy,

    /// <summary>Being removed or removed; never used again.</summary>
    Dead,
}
