namespace FnPipeline;

/// <summary>Finds every problem of a call at once, before any engine work.</summary>
public static class FunctionCallValidator
{
    /// <summary>Every problem of <paramref name="call"/>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(FunctionCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(call.Image))
        {
            problems.Add("Image is required");
        }
        else if (!ImageReference.IsValid(call.Image))
        {
            problems.Add($"Image '{call.Image}' is not a valid image reference");
        }

        CheckNotNegative(problems, nameof(call.MemoryMB), call.MemoryMB);
        CheckNotNegative(problems, nameof(call.MilliCpus), call.MilliCpus);
        CheckNotNegative(problems, nameof(call.TmpFsMB), call.TmpFsMB);
        CheckNotNegative(problems, nameof(call.FsSizeMB), call.FsSizeMB);
        CheckNotNegative(problems, nameof(call.MaxOutputBytes), call.MaxOutputBytes);
        CheckPositive(problems, nameof(call.Timeout), call.Timeout);
        CheckPositive(problems, nameof(call.IdleTimeout), call.IdleTimeout);
        if (call.MemoryMB is > 0 and < 6)
        {
            problems.Add($"MemoryMB must be at least 6 (the engine's minimum), got {call.MemoryMB}");
        }

        if (call.Command is { Count: 0 })
        {
            problems.Add("Command must be null (keep the image's CMD) or have at least one element");
        }

        CheckEnvironment(problems, call.Environment);
        CheckPaths(problems, call);
        CheckLabels(problems, call.Labels);
        if (call.LogDriver is { } log && string.IsNullOrWhiteSpace(log.Type))
        {
            problems.Add("LogDriver.Type is required when LogDriver is set");
        }

        if (call.Input.Stream is { CanRead: false })
        {
            problems.Add("Input stream is not readable");
        }

        if (call.Format == FunctionFormat.Default && call.Headers.Count > 0)
        {
            problems.Add("Headers are only used by the http-stream format");
        }

        return problems;
    }

    /// <summary>Throws <see cref="InvalidFunctionCallException"/> listing every problem, if any.</summary>
    public static void ThrowIfInvalid(FunctionCall call)
    {
        var problems = Validate(call);
        if (problems.Count > 0)
        {
            throw new InvalidFunctionCallException(call.Image ?? "", problems);
        }
    }

    private static void CheckNotNegative(List<string> problems, string name, long value)
    {
        if (value < 0)
        {
            problems.Add($"{name} must not be negative, got {value}");
        }
    }

    private static void CheckPositive(List<string> problems, string name, TimeSpan? value)
    {
        if (value is { } v && v <= TimeSpan.Zero)
        {
            problems.Add($"{name} must be positive, got {v}");
        }
    }

    private static void CheckEnvironment(List<string> problems, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (key, value) in environment)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                problems.Add($"Environment name '{key}' is invalid (empty, or contains '=' or NUL)");
            }
            else if (ReservedNames.EnvironmentVariables.Contains(key))
            {
                problems.Add($"Environment name '{key}' is reserved by the container contract");
            }

            if (value is null || value.Contains('\0', StringComparison.Ordinal))
            {
                problems.Add($"Environment value of '{key}' is invalid (null or contains NUL)");
            }
        }
    }

    private static void CheckPaths(List<string> problems, FunctionCall call)
    {
        if (call.WorkingDirectory is { } dir && !IsAbsolute(dir))
        {
            problems.Add($"WorkingDirectory '{dir}' must be an absolute path");
        }

        foreach (var volume in call.Volumes)
        {
            if (volume is null)
            {
                problems.Add("Volumes must not contain null");
                continue;
            }

            if (!IsAbsolute(volume.HostPath) || volume.HostPath.Contains(':', StringComparison.Ordinal))
            {
                problems.Add($"Volume host path '{volume.HostPath}' must be an absolute path without ':'");
            }

            if (!IsAbsolute(volume.ContainerPath) || volume.ContainerPath.Contains(':', StringComparison.Ordinal))
            {
                problems.Add($"Volume container path '{volume.ContainerPath}' must be an absolute path without ':'");
            }
            else if (call.Format == FunctionFormat.HttpStream &&
                     volume.ContainerPath.TrimEnd('/').Equals(ReservedNames.SocketMountPath, StringComparison.Ordinal))
            {
                problems.Add($"Volume container path '{volume.ContainerPath}' is reserved for the function's socket directory");
            }
        }
    }

    private static void CheckLabels(List<string> problems, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var key in labels.Keys)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                problems.Add("Label names must not be empty");
            }
            else if (ReservedNames.Labels.Contains(key))
            {
                problems.Add($"Label '{key}' is reserved: the executor sets it");
            }
        }
    }

    private static bool IsAbsolute(string? path) => !string.IsNullOrEmpty(path) && path[0] == '/';
}
