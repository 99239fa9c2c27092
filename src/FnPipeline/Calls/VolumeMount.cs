namespace FnPipeline;

/// <summary>A host directory bind-mounted into the function container.</summary>
/// <param name="HostPath">Absolute path on the host.</param>
/// <param name="ContainerPath">Absolute path inside the container.</param>
/// <param name="ReadOnly">Mount read-only.</param>
public sealed record VolumeMount(string HostPath, string ContainerPath, bool ReadOnly = false);
