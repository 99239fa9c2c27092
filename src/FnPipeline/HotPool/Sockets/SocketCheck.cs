namespace FnPipeline.HotPool;

/// <summary>What the socket directory says about readiness.</summary>
/// <param name="State">Pending, dangling, ready or invalid.</param>
/// <param name="Problem">Why it is invalid or dangling (Fn's wording), when it is.</param>
internal readonly record struct SocketCheck(SocketCheckState State, string? Problem = null)
{
    public static SocketCheck Pending => new(SocketCheckState.Pending);

    public static SocketCheck Ready => new(SocketCheckState.Ready);

    public static SocketCheck Invalid(string problem) => new(SocketCheckState.Invalid, problem);

    public static SocketCheck Dangling(string problem) => new(SocketCheckState.Dangling, problem);
}
