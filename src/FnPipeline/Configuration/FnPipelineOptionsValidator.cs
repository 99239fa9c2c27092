using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FnPipeline;

/// <summary>
/// Validates <see cref="FnPipelineOptions"/> at start-up: ranges (DataAnnotations) and the rules between fields,
/// reporting every problem at once. Reads no file: whether the socket directory and the image tarball exist is
/// checked when the executor is created.
/// </summary>
public sealed class FnPipelineOptionsValidator : IValidateOptions<FnPipelineOptions>
{
    /// <summary>Longest socket directory name the hot pool creates under the base directory.</summary>
    internal const int SocketDirectoryNameLength = 17;

    /// <summary>Longest path a unix socket address may hold (<c>sockaddr_un.sun_path</c> minus its NUL).</summary>
    internal const int MaxSocketPathBytes = 107;

    /// <summary>Upper bound of <see cref="FnPipelineOptions.RemovalDrainTimeout"/>: shutdown must end.</summary>
    private static readonly TimeSpan MaxRemovalDrainTimeout = TimeSpan.FromHours(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        AddAnnotationProblems(problems, options, "");
        AddAnnotationProblems(problems, options.Stages, "Stages.");
        AddAnnotationProblems(problems, options.PreForkPool, "PreForkPool.");
        AddAnnotationProblems(problems, options.Hot, "Hot.");
        AddAnnotationProblems(problems, options.Ulimits, "Ulimits.");
        CheckTimes(problems, options);
        CheckHot(problems, options.Hot);
        if (options.MinimumDockerVersion is { } version && !Version.TryParse(version, out _))
        {
            problems.Add($"MinimumDockerVersion '{version}' is not a version like 20.10.0");
        }

        if (!string.IsNullOrWhiteSpace(options.MinimumEngineApiVersion)
            && (!Version.TryParse(options.MinimumEngineApiVersion.Trim(), out var api) || api.Build >= 0))
        {
            problems.Add($"MinimumEngineApiVersion '{options.MinimumEngineApiVersion}' is not an API version like 1.33 (major.minor)");
        }

        if (options.PreForkPool.Size > 0 && !ImageReference.IsValid(options.PreForkPool.Image))
        {
            problems.Add($"PreForkPool.Image '{options.PreForkPool.Image}' is not a valid image reference");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem, if any.</summary>
    public static void ThrowIfInvalid(FnPipelineOptions options)
    {
        var result = new FnPipelineOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FnPipelineOptions), result.Failures);
        }
    }

    private static void CheckTimes(List<string> problems, FnPipelineOptions options)
    {
        Positive(problems, nameof(options.DefaultTimeout), options.DefaultTimeout);
        Positive(problems, nameof(options.PullTimeout), options.PullTimeout);
        Positive(problems, nameof(options.StartTimeout), options.StartTimeout);

        Positive(problems, nameof(options.HealthcheckPollInterval), options.HealthcheckPollInterval);
        Positive(problems, nameof(options.DrainTimeout), options.DrainTimeout);
        Positive(problems, nameof(options.ReapInterval), options.ReapInterval);
        if (options.RemovalDrainTimeout < TimeSpan.Zero || options.RemovalDrainTimeout > MaxRemovalDrainTimeout)
        {
            problems.Add($"RemovalDrainTimeout must be between 0 and {MaxRemovalDrainTimeout.TotalHours:F0} h, got {options.RemovalDrainTimeout}");
        }

        if (options.StatsDelay < TimeSpan.Zero && options.StatsDelay != Timeout.InfiniteTimeSpan)
        {
            problems.Add($"StatsDelay must be zero or more (or infinite: no stats), got {options.StatsDelay}");
        }
    }

    private static void CheckHot(List<string> problems, HotPoolOptions hot)
    {
        Positive(problems, "Hot.StartTimeout", hot.StartTimeout);
        Positive(problems, "Hot.IdleTimeout", hot.IdleTimeout);
        if (hot.PauseAfter is { } pause && (pause < TimeSpan.Zero || pause >= hot.IdleTimeout))
        {
            problems.Add($"Hot.PauseAfter ({pause}) must be between zero and Hot.IdleTimeout ({hot.IdleTimeout})");
        }

        if (hot.MaxContainersPerFunction is { } perFunction && perFunction > hot.MaxContainers)
        {
            problems.Add($"Hot.MaxContainersPerFunction ({hot.MaxContainersPerFunction}) must not exceed Hot.MaxContainers ({hot.MaxContainers})");
        }

        var baseDirectory = hot.SocketBaseDirectory ?? Path.GetTempPath();
        var socketPath = Path.Join(Path.GetFullPath(baseDirectory), new string('x', SocketDirectoryNameLength), "lsnr.sock");
        var bytes = System.Text.Encoding.UTF8.GetByteCount(socketPath);
        if (bytes > MaxSocketPathBytes)
        {
            problems.Add($"Hot.SocketBaseDirectory '{baseDirectory}' is too long: socket paths under it take {bytes} bytes, more than the {MaxSocketPathBytes} a unix socket address holds");
        }
    }

    // Positive, and within what the timers take (FunctionCallLimits.MaxTimeout): a longer one would throw at its first use.
    private static void Positive(List<string> problems, string name, TimeSpan value)
    {
        if (FunctionCallValidator.TimeoutProblem(value) is { } problem)
        {
            problems.Add($"{name} {problem}");
        }
    }

    private static void AddAnnotationProblems(List<string> problems, object instance, string prefix)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                // "The field Size must be…" becomes "The field PreForkPool.Size must be…".
                var message = result.ErrorMessage ?? "is invalid";
                foreach (var member in result.MemberNames)
                {
                    message = message.Replace($" {member} ", $" {prefix}{member} ", StringComparison.Ordinal);
                }

                problems.Add(message);
            }
        }
    }
}
