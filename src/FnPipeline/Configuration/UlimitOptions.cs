using System.ComponentModel.DataAnnotations;

namespace FnPipeline;

/// <summary>
/// Resource limits (<c>setrlimit</c>) of every function container, soft and hard alike, as Fn's
/// <c>configureULimits</c>. <c>null</c> leaves the engine's default.
/// </summary>
public sealed class UlimitOptions
{
    private const string AtLeastOne = "The field {0} must be at least 1.";
    private const string NotNegative = "The field {0} must not be negative.";

    /// <summary>Open files (<c>nofile</c>).</summary>
    [Range(1, long.MaxValue, ErrorMessage = AtLeastOne)]
    public long? OpenFiles { get; set; }

    /// <summary>Locked memory in bytes (<c>memlock</c>).</summary>
    [Range(0, long.MaxValue, ErrorMessage = NotNegative)]
    public long? LockedMemoryBytes { get; set; }

    /// <summary>Queued signals (<c>sigpending</c>).</summary>
    [Range(0, long.MaxValue, ErrorMessage = NotNegative)]
    public long? PendingSignals { get; set; }

    /// <summary>POSIX message queue bytes (<c>msgqueue</c>).</summary>
    [Range(0, long.MaxValue, ErrorMessage = NotNegative)]
    public long? MessageQueueBytes { get; set; }
}
