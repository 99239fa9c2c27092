namespace FnPipeline.Tracking;

/// <summary>The <c>kind</c> tag of a tracked container: the call format it serves, or the executor's own role.</summary>
internal static class ContainerKinds
{
    /// <summary>A pre-fork placeholder (network namespace holder).</summary>
    public const string PreFork = "pre-fork";

    /// <summary>Known only by id or name (an orphan, or a create whose answer never came).</summary>
    public const string Unknown = "unknown";
}
