using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FnPipeline.Fleet.Node;

/// <summary>Checks <see cref="FleetNodeOptions"/> once, at start-up, naming the option and why it is wrong.</summary>
internal static partial class FleetNodeOptionsValidation
{
    public static IReadOnlyList<string> Problems(FleetNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.NodeId is not null && !NodeIdPattern().IsMatch(options.NodeId))
        {
            problems.Add($"NodeId '{options.NodeId}' is not a node id: letters, digits, '-' and '_', 1 to 64 of them (it is part of a subject)");
        }

        if (options.MaxInFlight < 0)
        {
            problems.Add($"MaxInFlight must be 0 (the executor's MaxContainers) or more (was {options.MaxInFlight})");
        }

        foreach (var (name, value) in new[]
                 {
                     ("HotIdleTimeout", options.HotIdleTimeout), ("AnnounceInterval", options.AnnounceInterval),
                     ("HeartbeatInterval", options.HeartbeatInterval), ("DrainTimeout", options.DrainTimeout),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{name} must be positive (was {value})");
            }
        }

        if (options.AcceptedAfter < TimeSpan.Zero || options.AcceptedAfter >= options.HeartbeatInterval)
        {
            problems.Add($"AcceptedAfter must be 0 (at once) or more and less than HeartbeatInterval ({options.HeartbeatInterval}) (was {options.AcceptedAfter})");
        }

        if (options.AsyncCalls is { } asyncCalls)
        {
            problems.AddRange(asyncCalls.Problems().Select(p => $"AsyncCalls.{p}"));
        }

        return problems;
    }

    public static void ThrowIfInvalid(FleetNodeOptions options)
    {
        var problems = Problems(options);
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FleetNodeOptions), problems);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NodeIdPattern();
}
