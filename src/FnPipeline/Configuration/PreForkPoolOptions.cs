using System.ComponentModel.DataAnnotations;

namespace FnPipeline;

/// <summary>
/// Pre-fork pool: placeholder containers whose network namespace cold function containers join
/// (<c>NetworkMode=container:&lt;id&gt;</c>), which skips the engine's network set-up on each start.
/// </summary>
public sealed class PreForkPoolOptions
{
    /// <summary>Number of placeholder containers; 0 disables the pool.</summary>
    [Range(0, 1024)]
    public int Size { get; set; }

    /// <summary>Placeholder image.</summary>
    public string Image { get; set; } = "fnpipeline/busybox:latest";

    /// <summary>Placeholder command.</summary>
    public IList<string> Command { get; } = ["tail", "-f", "/dev/null"];

    /// <summary>Replace a placeholder after each use instead of reusing it.</summary>
    public bool UseOnce { get; set; }

    /// <summary>Networks the placeholders join, round-robin; empty means the default bridge.</summary>
    public IList<string> Networks { get; } = [];
}
