namespace FnPipeline.HotPool;

/// <summary>What the socket directory says about readiness.</summary>
/// <param name="State">Pending, ready or invalid.</param>
/// <param name="Problem">Why it is invalid (Fn's wording), when it is.</param>
internal readonly record struct SocketCheck(SocketCheckState State, string? Problem = null)
{
    public static SocketCheck Pending => new(SocketCheckState.Pending);

    public static SocketCheck Ready => new(SocketCheckState.Ready);

    public static SocketCheck Invalid(string problem) => new(SocketCheckState.Invalid, problem);
}

/// <summary>States of <see cref="SocketCheck"/>.</summary>
internal enum SocketCheckState
{
    /// <summary><c>lsnr.sock</c> is not there yet (or is a link whose target is not there yet).</summary>
    Pending,

    /// <summary><c>lsnr.sock</c> is a socket, or a relative link in the same directory to one.</summary>
    Ready,

    /// <summary>Something is there that can never become valid.</summary>
    Invalid,
}
