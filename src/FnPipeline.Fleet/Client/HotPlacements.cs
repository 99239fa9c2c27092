using System.Collections.Concurrent;

namespace FnPipeline.Fleet.Client;

/// <summary>
/// Where an http-stream call is requested, per function key: its hot subject, then <c>sync.any</c>. Kept per key so a
/// call builds no subject string; bounded (forgotten wholesale past <see cref="MaxFunctions"/> keys, rebuilt on demand).
/// </summary>
internal sealed class HotPlacements(FleetSubjects subjects)
{
    /// <summary>Most function keys remembered.</summary>
    public const int MaxFunctions = 10_000;

    private readonly ConcurrentDictionary<string, string[]> _byKey = new(StringComparer.Ordinal);

    /// <summary>The hot subject of <paramref name="functionKey"/>, then the any-subject (callers only read it).</summary>
    public string[] For(string functionKey)
    {
        if (_byKey.TryGetValue(functionKey, out var known))
        {
            return known;
        }

        if (_byKey.Count >= MaxFunctions)
        {
            _byKey.Clear();
        }

        return _byKey.GetOrAdd(functionKey, static (key, s) => [s.SyncHot(key), s.SyncAny], subjects);
    }
}
