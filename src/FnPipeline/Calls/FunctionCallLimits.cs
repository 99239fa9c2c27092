namespace FnPipeline;

/// <summary>
/// Limits a call must stay within so that the engine, the kernel and the executor's timers accept it. Each one is a
/// limit of a layer below: past it the call would fail only after engine work, or with no reason at all.
/// </summary>
public static class FunctionCallLimits
{
    /// <summary>Longest repository name (the image reference without tag and digest): Docker's <c>NameTotalLengthMax</c>.</summary>
    public const int MaxRepositoryNameLength = 255;

    /// <summary>Longest tag: Docker's reference grammar.</summary>
    public const int MaxTagLength = 128;

    /// <summary>
    /// Largest single argument or <c>NAME=value</c> environment entry, in UTF-8 bytes: Linux's <c>MAX_ARG_STRLEN</c>
    /// (32 pages, 128 KiB) less the terminating NUL. A longer one makes the container's <c>execve</c> fail with E2BIG.
    /// </summary>
    public const int MaxArgumentBytes = 128 * 1024 - 1;

    /// <summary>
    /// Largest command plus environment, in bytes with each string's NUL and pointer: Linux's <c>ARG_MAX</c> under the
    /// default 8 MiB stack (a quarter of it). The image's own environment and the contract's variables count too.
    /// </summary>
    public const int MaxArgumentsTotalBytes = 2 * 1024 * 1024;

    /// <summary>
    /// Longest timeout or idle timeout: the executor's timers take at most 2^32-2 ms (about 49.7 days); a round 49 days
    /// keeps a margin for the bounds added to it.
    /// </summary>
    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromDays(49);

    /// <summary>Smallest CPU limit: the engine's smallest CFS quota is 1 ms per 100 ms period, i.e. 10 milli-CPUs.</summary>
    public const long MinMilliCpus = 10;

    /// <summary>Smallest memory limit in MB: the engine's minimum.</summary>
    public const long MinMemoryMB = 6;

    /// <summary>Largest size in MB whose byte count fits in 64 bits (memory, tmpfs, root filesystem).</summary>
    public const long MaxSizeMB = long.MaxValue / (1024 * 1024);

    /// <summary>Longest caller-chosen call id: it is part of the container's name and of a label.</summary>
    public const int MaxCallIdLength = 128;
}
