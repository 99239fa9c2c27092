using System.Reflection;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using FnPipeline.Benchmarks.Macro;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>
/// What runs: every benchmark class in this assembly, except the macro ones (real engine) when the engine cannot run
/// calls; they are then skipped with a printed reason instead of failing.
/// </summary>
internal static class DefaultSuite
{
    /// <summary>The no-argument run: everything that can run here.</summary>
    public static string[] Arguments { get; } = ["--filter", "*"];

    /// <param name="arguments">The command line.</param>
    /// <param name="output">Where skip messages go.</param>
    /// <param name="engine">The engine probe when macro benchmarks were selected (and so probed); otherwise <c>null</c>.</param>
    public static Type[] RunnableTypes(string[] arguments, TextWriter output, out EngineProbe? engine)
    {
        engine = null;
        var all = typeof(DefaultSuite).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
        var macro = all.Where(IsMacro).ToArray();
        var selectedMacro = macro.Where(t => MayBeSelected(t, arguments)).ToArray();
        if (selectedMacro.Length == 0)
        {
            return all.Except(macro).ToArray();
        }

        var probe = EngineProbe.Run(output);
        engine = probe;
        var skipped = selectedMacro.Where(t => !probe.CanRun(t)).ToArray();
        foreach (var type in skipped)
        {
            output.WriteLine($"// SKIPPED {type.Name}: {probe.ReasonFor(type)}");
        }

        return all.Except(skipped).ToArray();
    }

    private static bool IsMacro(Type type) => type.Namespace?.EndsWith(".Macro", StringComparison.Ordinal) == true;

    /// <summary>Whether a <c>--filter</c> glob (BenchmarkDotNet's: <c>*</c>, <c>?</c>, case-insensitive) may select the type.</summary>
    private static bool MayBeSelected(Type type, string[] arguments)
    {
        var filters = FilterArguments(arguments).ToList();
        if (filters.Count == 0)
        {
            // No filter: the switcher asks interactively, or runs what --list/--allCategories say; probe to be safe.
            return true;
        }

        var names = type.GetMethods()
            .Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)
            .Select(m => $"{type.FullName}.{m.Name}")
            .ToList();
        return filters.Any(glob =>
        {
            var regex = new Regex("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase);
            return names.Any(regex.IsMatch);
        });
    }

    private static IEnumerable<string> FilterArguments(string[] arguments)
    {
        for (var i = 0; i < arguments.Length; i++)
        {
            if (arguments[i] is "--filter" or "-f")
            {
                for (var j = i + 1; j < arguments.Length && !arguments[j].StartsWith('-'); j++)
                {
                    yield return arguments[j];
                }
            }
        }
    }
}
