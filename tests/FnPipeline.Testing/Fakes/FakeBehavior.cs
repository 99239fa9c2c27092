namespace FnPipeline.Testing.Fakes;

/// <summary>What a fake default-format container does when it runs; the default echoes its stdin and exits 0.</summary>
internal sealed record FakeBehavior
{
    public static readonly FakeBehavior Echo = new();

    /// <summary>How long the process runs (a kill or removal ends it early with 137); zero: it exits at once.</summary>
    public TimeSpan RunTime { get; init; }

    public long ExitCode { get; init; }

    public bool OomKilled { get; init; }

    /// <summary>Output written instead of echoing the input.</summary>
    public byte[]? Output { get; init; }

    public string Stderr { get; init; } = "";

    /// <summary>Thrown by the engine's start (after any start gate).</summary>
    public Exception? StartFailure { get; init; }
}
