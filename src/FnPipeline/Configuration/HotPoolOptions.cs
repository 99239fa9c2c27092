using System.ComponentModel.DataAnnotations;

namespace FnPipeline;

/// <summary>Settings of the hot (http-stream) container pool.</summary>
public sealed class HotPoolOptions
{
    /// <summary>Directory under which each hot container gets its socket directory; <c>null</c> = the system temp directory.</summary>
    public string? SocketBaseDirectory { get; set; }

    /// <summary>Time from container start until <c>lsnr.sock</c> must appear (504 past it).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Idle time after which a hot container is removed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle time after which a hot container is paused; <c>null</c> = never pause.</summary>
    public TimeSpan? PauseAfter { get; set; }

    /// <summary>
    /// Most containers per function; <c>null</c> (the default) = derived per function from the machine: twice the
    /// processor count, no more than the machine's memory divided by the function's memory limit, at least 1 and at most
    /// <see cref="MaxContainers"/>.
    /// </summary>
    [Range(1, 10_000)]
    public int? MaxContainersPerFunction { get; set; }

    /// <summary>
    /// Hot container launches in flight at once, all functions together (image, create, start and socket wait);
    /// <c>null</c> (the default) = the processor count, at least 2. Simultaneous starts slow each other down.
    /// </summary>
    [Range(1, 1024)]
    public int? MaxConcurrentStarts { get; set; }

    /// <summary>Most hot containers in all.</summary>
    [Range(1, 100_000)]
    public int MaxContainers { get; set; } = 64;

    /// <summary>Largest response header section accepted from a function, in bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxResponseHeaderBytes { get; set; } = 64 * 1024;
}
