using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FnPipeline;

/// <summary>
/// Finds every problem of a call at once, before any engine work. Each problem names the field and, for a limit, the
/// limit and whose it is (<see cref="FunctionCallLimits"/>). The <c>...Problem</c> methods check one value and return
/// what is wrong as a predicate to put after the field's name, or <c>null</c>; front ends (a functions file) use them
/// to point at the value itself.
/// </summary>
public static partial class FunctionCallValidator
{
    /// <summary>Every problem of <paramref name="call"/>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(FunctionCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var problems = new List<string>();
        if (ImageReference.Problem(call.Image) is { } imageProblem)
        {
            problems.Add(string.IsNullOrWhiteSpace(call.Image) ? $"Image {imageProblem}" : $"Image '{Shorten(call.Image)}' {imageProblem}");
        }

        CheckSizes(problems, call);
        CheckNotNegative(problems, nameof(call.MaxOutputBytes), call.MaxOutputBytes);
        CheckTimeout(problems, nameof(call.Timeout), call.Timeout);
        CheckTimeout(problems, nameof(call.IdleTimeout), call.IdleTimeout);
        CheckCommand(problems, call.Command);
        CheckEnvironment(problems, call.Environment);
        CheckArgumentsTotal(problems, call);
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

        CheckHeaders(problems, call.Headers);

        if (call.CallId.Length > 0 && !CallIdPattern().IsMatch(call.CallId))
        {
            problems.Add($"CallId '{Shorten(call.CallId)}' must be 1 to {FunctionCallLimits.MaxCallIdLength} letters, digits, '_', '.' or '-' " +
                         "(it is part of the container's name)");
        }

        return problems;
    }

    /// <summary>What is wrong with a timeout (<see cref="FunctionCall.Timeout"/>, <see cref="FunctionCall.IdleTimeout"/>), or <c>null</c>.</summary>
    public static string? TimeoutProblem(TimeSpan value) =>
        value <= TimeSpan.Zero ? $"must be positive, got {value}"
        : value > FunctionCallLimits.MaxTimeout
            ? string.Create(CultureInfo.InvariantCulture,
                $"must be at most {FunctionCallLimits.MaxTimeout.TotalDays:0} days (the executor's timers stop at 49.7 days), got {value.TotalDays:0.##} days")
        : null;

    /// <summary>What is wrong with an environment variable's name, or <c>null</c>: a POSIX name, not one of the contract's.</summary>
    public static string? EnvironmentNameProblem(string? name) =>
        string.IsNullOrEmpty(name) || !EnvironmentNamePattern().IsMatch(name)
            ? "is not a valid name: use letters, digits and '_', not starting with a digit (a POSIX name, as shells and FDKs read it)"
        : ReservedNames.EnvironmentVariables.Contains(name) ? "is reserved by the container contract"
        : null;

    /// <summary>What is wrong with an environment variable's value, or <c>null</c>: <c>NAME=value</c> must fit Linux's limit.</summary>
    public static string? EnvironmentValueProblem(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (value is null || value.Contains('\0', StringComparison.Ordinal))
        {
            return "is invalid (null or contains NUL)";
        }

        var bytes = Encoding.UTF8.GetByteCount(name) + 1 + Encoding.UTF8.GetByteCount(value);
        return bytes > FunctionCallLimits.MaxArgumentBytes
            ? $"is too long: NAME=value takes {Bytes(bytes)} bytes; Linux passes at most {Bytes(FunctionCallLimits.MaxArgumentBytes)} " +
              "per variable (MAX_ARG_STRLEN, 128 KiB with its NUL)"
            : null;
    }

    /// <summary>What is wrong with one word of a command, or <c>null</c>.</summary>
    public static string? ArgumentProblem(string? argument)
    {
        if (argument is null || argument.Contains('\0', StringComparison.Ordinal))
        {
            return "is invalid (null or contains NUL)";
        }

        var bytes = Encoding.UTF8.GetByteCount(argument);
        return bytes > FunctionCallLimits.MaxArgumentBytes
            ? $"is too long: {Bytes(bytes)} bytes; Linux passes at most {Bytes(FunctionCallLimits.MaxArgumentBytes)} per argument " +
              "(MAX_ARG_STRLEN, 128 KiB with its NUL)"
            : null;
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

    private static void CheckSizes(List<string> problems, FunctionCall call)
    {
        CheckSize(problems, nameof(call.MemoryMB), call.MemoryMB);
        CheckSize(problems, nameof(call.TmpFsMB), call.TmpFsMB);
        CheckSize(problems, nameof(call.FsSizeMB), call.FsSizeMB);
        CheckNotNegative(problems, nameof(call.MilliCpus), call.MilliCpus);
        if (call.MemoryMB is > 0 and < FunctionCallLimits.MinMemoryMB)
        {
            problems.Add($"MemoryMB must be at least {FunctionCallLimits.MinMemoryMB} (the engine's minimum), got {call.MemoryMB}");
        }

        if (call.MilliCpus is > 0 and < FunctionCallLimits.MinMilliCpus)
        {
            problems.Add($"MilliCpus must be 0 (unlimited) or at least {FunctionCallLimits.MinMilliCpus} " +
                         $"(the engine's smallest CPU quota, 1 ms per 100 ms), got {call.MilliCpus}");
        }
    }

    private static void CheckSize(List<string> problems, string name, long megabytes)
    {
        CheckNotNegative(problems, name, megabytes);
        if (megabytes > FunctionCallLimits.MaxSizeMB)
        {
            problems.Add($"{name} must be at most {FunctionCallLimits.MaxSizeMB} (its bytes must fit in 64 bits), got {megabytes}");
        }
    }

    private static void CheckTimeout(List<string> problems, string name, TimeSpan? value)
    {
        if (value is { } v && TimeoutProblem(v) is { } problem)
        {
            problems.Add($"{name} {problem}");
        }
    }

    private static void CheckCommand(List<string> problems, IReadOnlyList<string>? command)
    {
        if (command is { Count: 0 })
        {
            problems.Add("Command must be null (keep the image's CMD) or have at least one element");
            return;
        }

        for (var i = 0; i < (command?.Count ?? 0); i++)
        {
            if (ArgumentProblem(command![i]) is { } problem)
            {
                problems.Add($"Command[{i}] {problem}");
            }
        }
    }

    private static void CheckEnvironment(List<string> problems, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (key, value) in environment)
        {
            if (EnvironmentNameProblem(key) is { } nameProblem)
            {
                problems.Add($"Environment name '{Shorten(key)}' {nameProblem}");
            }

            if (EnvironmentValueProblem(key ?? "", value) is { } valueProblem)
            {
                problems.Add($"Environment value of '{Shorten(key)}' {valueProblem}");
            }
        }
    }

    // execve counts every string with its NUL and pointer; only checked when each string is within its own limit.
    private static void CheckArgumentsTotal(List<string> problems, FunctionCall call)
    {
        long total = 0;
        foreach (var word in call.Command ?? [])
        {
            total += Encoding.UTF8.GetByteCount(word ?? "") + 1 + IntPtr.Size;
        }

        foreach (var (key, value) in call.Environment)
        {
            total += Encoding.UTF8.GetByteCount(key ?? "") + 2 + Encoding.UTF8.GetByteCount(value ?? "") + IntPtr.Size;
        }

        if (total > FunctionCallLimits.MaxArgumentsTotalBytes)
        {
            problems.Add($"Command and Environment together take {Bytes(total)} bytes; Linux starts a process with at most " +
                         $"{Bytes(FunctionCallLimits.MaxArgumentsTotalBytes)} (ARG_MAX under the default 8 MiB stack)");
        }
    }

    // HttpClient drops a header whose name is not a token without a word, and refuses a value with a line break only
    // when it sends: both would reach the function as something else than the caller wrote.
    private static void CheckHeaders(List<string> problems, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if (string.IsNullOrEmpty(name) || !HeaderNamePattern().IsMatch(name))
            {
                problems.Add($"Headers[{i}] name '{Shorten(name)}' is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)");
            }

            if (value is null || value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                problems.Add($"Headers[{i}] value of '{Shorten(name)}' is invalid (null, or contains CR, LF or NUL)");
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

    private static string Bytes(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    // Keeps messages readable when the bad value is huge (a 300-character image, a 200 KB name).
    private static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : $"{text[..77]}... ({text.Length} characters)";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex CallIdPattern();

    // RFC 9110's token.
    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderNamePattern();
}
