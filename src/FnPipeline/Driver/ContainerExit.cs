namespace FnPipeline.Driver;

/// <summary>How a container ended.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="OomKilled">The engine's <c>State.OOMKilled</c>: the kernel killed it for memory.</param>
/// <param name="OutputLimitExceeded">The stdout sink refused bytes past its cap and the driver killed the container.</param>
internal sealed record ContainerExit(long ExitCode, bool OomKilled, bool OutputLimitExceeded = false);
