using FnPipeline.Docker;
using FnPipeline.HotPool;

namespace FnPipeline;

/// <summary>
/// Everything an executor uses from <see cref="FnPipelineOptions"/>, validated and copied once at its door
/// (<see cref="Resolve"/>): nothing below the executor reads the live options, so later edits cannot half-apply. The
/// defaults live on <see cref="FnPipelineOptions"/> alone; the driver's and the hot pool's settings are derived here.
/// </summary>
internal sealed record ExecutorSettings
{
    /// <summary>Label value of this executor's containers (<c>fnpipeline.instance</c>), in their names too.</summary>
    public required string InstanceId { get; init; }

    public required ColdLaneSettings Cold { get; init; }

    /// <summary>What a call that sets no limit of its own gets.</summary>
    public required CallDefaults Calls { get; init; }

    /// <summary>Settings of every container spec: the executor's container-wide limits.</summary>
    public required long MaxTmpFsInodes { get; init; }

    public required long PidsLimit { get; init; }

    public required TimeSpan DrainTimeout { get; init; }

    public required DockerDriverSettings Driver { get; init; }

    public required HotPoolSettings Hot { get; init; }

    /// <summary>Validates <paramref name="options"/> (throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>) and resolves them.</summary>
    public static ExecutorSettings Resolve(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        FnPipelineOptionsValidator.ThrowIfInvalid(options);
        return FromValidated(options);
    }

    /// <summary>Resolves options that were validated already (by the options framework, under DI).</summary>
    public static ExecutorSettings FromValidated(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var instanceId = NormalizeInstanceId(options.InstanceId);
        return new ExecutorSettings
        {
            InstanceId = instanceId,
            Cold = ColdLaneSettings.From(options),
            Calls = CallDefaults.From(options),
            MaxTmpFsInodes = options.MaxTmpFsInodes,
            PidsLimit = options.PidsLimit,
            DrainTimeout = options.DrainTimeout,
            Driver = DockerDriverSettings.From(options, instanceId),
            Hot = HotPoolSettings.From(options),
        };
    }

    /// <summary>The one place an instance id is made: the configured one trimmed, or a random one when it is blank.</summary>
    public static string NormalizeInstanceId(string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? Guid.NewGuid().ToString("N")[..12] : configured.Trim();
}
