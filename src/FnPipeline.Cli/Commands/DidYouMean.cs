namespace FnPipeline.Cli.Commands;

/// <summary>The closest known name to a mistyped one, for "did you mean" hints (options, functions file fields).</summary>
internal static class DidYouMean
{
    /// <summary>The known name closest to <paramref name="typed"/> when it is at most <paramref name="maxDistance"/> edits away.</summary>
    public static string? Closest(string typed, IEnumerable<string> known, int maxDistance = 2)
    {
        var closest = known.MinBy(k => Distance(k, typed));
        return closest is not null && Distance(closest, typed) <= maxDistance ? closest : null;
    }

    /// <summary>Levenshtein distance, ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
