namespace FnPipeline.HotPool;

/// <summary>States of <see cref="SocketCheck"/>.</summary>
internal enum SocketCheckState
{
    /// <summary><c>lsnr.sock</c> is not there yet.</summary>
    Pending,

    /// <summary>
    /// <c>lsnr.sock</c> is a relative link in the same directory whose target does not exist: dangling, unless the
    /// target appears within a short grace (a function that links before it binds).
    /// </summary>
    Dangling,

    /// <summary><c>lsnr.sock</c> is a socket, or a relative link in the same directory to one.</summary>
    Ready,

    /// <summary>Something is there that can never become valid.</summary>
    Invalid,
}
