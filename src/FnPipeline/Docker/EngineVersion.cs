using System.Globalization;

namespace FnPipeline.Docker;

/// <summary>
/// A semantic version as the engine reports it (<c>20.10.24+dfsg1</c>, <c>17.10.0-ce</c>, <c>28.2</c>). Ordered by
/// semver 2.0 precedence like Fn's go-semver check: build metadata is ignored and a pre-release sorts before its release.
/// Missing minor/patch parts count as 0, a leading <c>v</c> is allowed.
/// </summary>
internal readonly record struct EngineVersion(int Major, int Minor, int Patch, string PreRelease) : IComparable<EngineVersion>
{
    public static bool TryParse(string? text, out EngineVersion version)
    {
        version = default;
        var s = text?.Trim() ?? "";
        if (s.StartsWith('v') || s.StartsWith('V'))
        {
            s = s[1..];
        }

        var plus = s.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            s = s[..plus];
        }

        var dash = s.IndexOf('-', StringComparison.Ordinal);
        var preRelease = dash >= 0 ? s[(dash + 1)..] : "";
        var core = (dash >= 0 ? s[..dash] : s).Split('.');
        if (core.Length is < 1 or > 3 || (dash >= 0 && preRelease.Length == 0))
        {
            return false;
        }

        Span<int> parts = stackalloc int[3];
        for (var i = 0; i < core.Length; i++)
        {
            if (!int.TryParse(core[i], NumberStyles.None, CultureInfo.InvariantCulture, out parts[i]))
            {
                return false;
            }
        }

        version = new EngineVersion(parts[0], parts[1], parts[2], preRelease);
        return true;
    }

    public static EngineVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a version (expected e.g. 20.10.24).");

    /// <summary>Throws when <paramref name="found"/> is older than <paramref name="required"/> (Fn's message).</summary>
    public static void EnsureAtLeast(string required, string found)
    {
        var wanted = Parse(required);
        if (!TryParse(found, out var actual))
        {
            throw new InvalidOperationException($"docker version could not be read. Required: {required} Found: {found}");
        }

        if (actual.CompareTo(wanted) < 0)
        {
            throw new InvalidOperationException($"docker version is too old. Required: {required} Found: {found}");
        }
    }

    public int CompareTo(EngineVersion other)
    {
        var c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }

        if (c == 0)
        {
            c = Patch.CompareTo(other.Patch);
        }

        return c != 0 ? c : ComparePreRelease(PreRelease ?? "", other.PreRelease ?? "");
    }

    public override string ToString() =>
        PreRelease.Length == 0 ? $"{Major}.{Minor}.{Patch}" : $"{Major}.{Minor}.{Patch}-{PreRelease}";

    // semver §11: no pre-release > any pre-release; identifiers compare numerically when both are numbers, numbers
    // sort before words, and a shorter list of equal identifiers sorts first.
    private static int ComparePreRelease(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return Math.Sign(b.Length.CompareTo(a.Length));
        }

        var left = a.Split('.');
        var right = b.Split('.');
        for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            var c = CompareIdentifier(left[i], right[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return left.Length.CompareTo(right.Length);
    }

    private static int CompareIdentifier(string a, string b)
    {
        var aNumeric = long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var x);
        var bNumeric = long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var y);
        return (aNumeric, bNumeric) switch
        {
            (true, true) => x.CompareTo(y),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(a, b),
        };
    }

    public static bool operator <(EngineVersion left, EngineVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(EngineVersion left, EngineVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(EngineVersion left, EngineVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EngineVersion left, EngineVersion right) => left.CompareTo(right) >= 0;
}
