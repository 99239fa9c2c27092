namespace FnPipeline.Docker;

/// <summary>
/// Labels the driver puts on every container it creates, so that orphans of a crashed executor can be found and
/// removed at the next start-up (Fn's <c>fn-agent-classifier</c>/<c>fn-agent-instance</c>).
/// </summary>
internal static class DockerLabels
{
    /// <summary>Marks a container as created by an FnPipeline executor; its value is <c>true</c>.</summary>
    public const string Managed = "fnpipeline.managed";

    /// <summary>The id of the executor instance that owns the container.</summary>
    public const string Instance = "fnpipeline.instance";

    /// <summary>What the container is for; pre-fork placeholders carry <see cref="PreForkRole"/>.</summary>
    public const string Role = "fnpipeline.role";

    public const string PreForkRole = "prefork";
}
