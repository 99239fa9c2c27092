using System.Globalization;

namespace FnPipeline.Cli.Commands;

/// <summary>Durations as people write them: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, or a bare number of seconds (Fn's unit).</summary>
internal static class DurationParser
{
    public const string Examples = "e.g. 500ms, 30s, 2m, 1h, or a number of seconds";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var (number, unit) = Split(s);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) ||
            double.IsNaN(amount) || double.IsInfinity(amount))
        {
            return false;
        }

        double? milliseconds = unit switch
        {
            "ms" => amount,
            "" or "s" => amount * 1000,
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

    /// <summary>A duration back in the shortest of these units that is exact.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 != 0 ? $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
        : value.TotalSeconds % 60 != 0 ? $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : value.TotalMinutes % 60 != 0 ? $"{value.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m"
        : $"{value.TotalHours.ToString(CultureInfo.InvariantCulture)}h";

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
