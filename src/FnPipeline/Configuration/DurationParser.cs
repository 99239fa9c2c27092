using System.Globalization;

namespace FnPipeline;

/// <summary>
/// Durations as people write them: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>. The command line (fnpipe's flags and
/// functions file) also takes a bare number of seconds, Fn's unit; configuration files take <c>[d.]hh:mm:ss[.fff]</c>,
/// .NET's own form, instead, and refuse a bare number: <c>"30000"</c> would otherwise be read as 30,000 days.
/// </summary>
internal static class DurationParser
{
    public const string Examples = "e.g. 500ms, 30s, 2m, 1h, or a number of seconds";

    public const string ConfigurationExamples = "e.g. 500ms, 30s, 2m, 1h or 00:00:30";

    /// <summary>The command line's forms: a number with a unit, or a bare number of seconds.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        return TryParseWithUnit(text.Trim(), defaultUnit: "s", out value);
    }

    /// <summary>
    /// A configuration value: a number with a unit, or <c>[-][d.]hh:mm:ss[.fffffff]</c> (the form the framework's binder
    /// reads; negative only for settings that give it a meaning, e.g. <see cref="Timeout.InfiniteTimeSpan"/>). Returns
    /// the problem, or <c>null</c> when <paramref name="value"/> was read.
    /// </summary>
    public static string? ParseConfigured(string? text, out TimeSpan value)
    {
        value = default;
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            return $"a duration is required ({ConfigurationExamples})";
        }

        if (s.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParseExact(s, "c", CultureInfo.InvariantCulture, out value)
                ? null
                : $"'{text}' is not a duration ({ConfigurationExamples})";
        }

        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
        {
            return $"'{text}' is a number without a unit, which is ambiguous (the framework would read it as days); " +
                   $"write the unit, e.g. '{s}ms' or '{s}s', or hh:mm:ss";
        }

        return TryParseWithUnit(s, defaultUnit: null, out value) ? null : $"'{text}' is not a duration ({ConfigurationExamples})";
    }

    /// <summary>A duration back in the shortest of these units that is exact.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 != 0 ? $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
        : value.TotalSeconds % 60 != 0 ? $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : value.TotalMinutes % 60 != 0 ? $"{value.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m"
        : $"{value.TotalHours.ToString(CultureInfo.InvariantCulture)}h";

    private static bool TryParseWithUnit(string s, string? defaultUnit, out TimeSpan value)
    {
        value = default;
        var (number, unit) = Split(s);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) ||
            double.IsNaN(amount) || double.IsInfinity(amount))
        {
            return false;
        }

        double? milliseconds = (unit.Length == 0 ? defaultUnit : unit) switch
        {
            "ms" => amount,
            "s" => amount * 1000,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            _ => null,
        };
        if (milliseconds is not { } ms || ms > TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    private static (string Number, string Unit) Split(string s)
    {
        var end = s.Length;
        while (end > 0 && char.IsAsciiLetterLower(s[end - 1]))
        {
            end--;
        }

        return (s[..end], s[end..]);
    }
}
