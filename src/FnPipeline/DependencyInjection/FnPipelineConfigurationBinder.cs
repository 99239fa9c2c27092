using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FnPipeline.DependencyInjection;

/// <summary>
/// Reads a configuration section (e.g. <c>"FnPipeline"</c> of appsettings.json) into <see cref="FnPipelineOptions"/>.
/// Unlike the framework's binder it reads durations as people write them (<see cref="DurationParser.ParseConfigured"/>:
/// <c>"30000"</c> is refused rather than read as 30,000 days), replaces lists instead of appending to their defaults,
/// and refuses unknown keys and malformed values, naming each key, all in one <see cref="OptionsValidationException"/>.
/// </summary>
internal static class FnPipelineConfigurationBinder
{
    public static void Bind(IConfiguration section, FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        BindObject(section, options, problems);
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FnPipelineOptions), problems);
        }
    }

    private static void BindObject(IConfiguration section, object target, List<string> problems)
    {
        var properties = target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            var key = child is IConfigurationSection s ? s.Path : child.Key;
            if (!properties.TryGetValue(child.Key, out var property))
            {
                problems.Add($"{key}: not a setting of {target.GetType().Name}");
                continue;
            }

            var problem = BindProperty(child, property, target, problems);
            if (problem is not null)
            {
                problems.Add($"{key}: {problem}");
            }
        }
    }

    /// <summary>Sets one property from its section; returns the problem, if any.</summary>
    private static string? BindProperty(IConfigurationSection section, PropertyInfo property, object target, List<string> problems)
    {
        var type = property.PropertyType;
        if (type == typeof(IList<string>))
        {
            return BindList(section, (IList<string>)property.GetValue(target)!);
        }

        if (!property.CanWrite)
        {
            if (type.IsClass && type.Namespace == typeof(FnPipelineOptions).Namespace && property.GetValue(target) is { } nested)
            {
                if (section.Value is { Length: > 0 })
                {
                    return "expected a section of settings, not a value";
                }

                BindObject(section, nested, problems);
                return null;
            }

            return "cannot be set from configuration";
        }

        if (section.GetChildren().Any())
        {
            return "expected a value, not a section";
        }

        var raw = section.Value ?? "";
        var text = raw.Trim();
        var nullable = Nullable.GetUnderlyingType(type) is not null || IsNullableReference(property);
        if (text.Length == 0 && nullable)
        {
            property.SetValue(target, null);
            return null;
        }

        var (value, problem) = Parse(Nullable.GetUnderlyingType(type) ?? type, raw, text);
        if (problem is null)
        {
            property.SetValue(target, value);
        }

        return problem;
    }

    private static (object? Value, string? Problem) Parse(Type type, string raw, string text)
    {
        if (type == typeof(string))
        {
            return (raw, null);
        }

        if (type == typeof(TimeSpan))
        {
            var problem = DurationParser.ParseConfigured(raw, out var duration);
            return (duration, problem);
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(text, out var b) ? (b, null) : (null, $"'{raw}' is not a boolean (true or false)");
        }

        if (type == typeof(int))
        {
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
                ? (i, null) : (null, $"'{raw}' is not a whole number");
        }

        if (type == typeof(long))
        {
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
                ? (l, null) : (null, $"'{raw}' is not a whole number");
        }

        return (null, "cannot be set from configuration");
    }

    /// <summary>A list is replaced by the section's items (a JSON array), so a configured list never keeps a default's items.</summary>
    private static string? BindList(IConfigurationSection section, IList<string> target)
    {
        var items = section.GetChildren().ToList();
        if (items.Count == 0 && section.Value is { Length: > 0 })
        {
            return $"'{section.Value}' is not a list; write a JSON array, e.g. [\"a\", \"b\"]";
        }

        if (items.Any(item => item.GetChildren().Any()))
        {
            return "expected a list of strings";
        }

        target.Clear();
        foreach (var item in items)
        {
            target.Add(item.Value ?? "");
        }

        return null;
    }

    private static bool IsNullableReference(PropertyInfo property) =>
        !property.PropertyType.IsValueType &&
        new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
}
