namespace FnPipeline.HotPool;

/// <summary>
/// The one that acts on a hot container's transitions, handed to the container at construction. The container
/// reports; the owner stacks, removes and frees places. Nothing is wired after construction (no events, no delegates),
/// so the container's constructor shows who acts when it goes idle or away.
/// </summary>
internal interface IHotContainerOwner
{
    /// <summary>The container is idle: stack it for the next call. Called under the container's lock (lock order:
    /// container, then pool).</summary>
    void Idle(HotContainer container);

    /// <summary>Takes an idle container off its stack; <c>false</c> if a caller holds a token for it (it will see the
    /// container's state itself). Called under the container's lock.</summary>
    bool TryWithdrawIdle(HotContainer container);

    /// <summary>The container must go (exited or lost while idle, idle too long, pause failed): remove it in the
    /// background, where shutdown waits for it.</summary>
    void RemoveMe(HotContainer container, string reason);

    /// <summary>The container is removed: its place in the function's and the executor's limits is free. Reported
    /// once per container, at the end of its removal.</summary>
    void PlaceFreed(HotContainer container);
}
