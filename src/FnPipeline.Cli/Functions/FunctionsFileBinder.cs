using System.Text.RegularExpressions;
using FnPipeline.Cli.Commands;

namespace FnPipeline.Cli.Functions;

/// <summary>
/// Turns a parsed functions file into <see cref="FunctionDefinition"/>s, collecting every problem (with its line, column
/// and field) instead of stopping at the first. Each function is also checked as a call by <see cref="FunctionCallValidator"/>.
/// </summary>
internal sealed partial class FunctionsFileBinder(string path, string displayName)
{
    public static readonly IReadOnlyList<string> TopLevelKeys = ["app", "functions"];

    private readonly List<(int Line, int Column, string Text)> _problems = [];

    public FunctionsFile Bind(FileNode root)
    {
        var app = "";
        var functions = new List<FunctionDefinition>();
        if (root is not MapNode map)
        {
            Problem(root, "", $"expected a map with 'functions' (and optionally 'app'), got {root.Describe()}");
            throw Failed();
        }

        ListNode? list = null;
        foreach (var entry in map.Entries)
        {
            switch (entry.Key)
            {
                case "app":
                    app = String(entry.Value, "app") ?? "";
                    break;
                case "functions":
                    list = entry.Value as ListNode;
                    if (list is null)
                    {
                        Problem(entry.Value, "functions", $"expected a list of functions, got {entry.Value.Describe()}");
                    }

                    break;
                default:
                    Unknown(entry, "", TopLevelKeys);
                    break;
            }
        }

        if (list is null && map.Entries.All(e => e.Key != "functions"))
        {
            Problem(map, "functions", "missing: list the functions to serve under 'functions'");
        }
        else if (list is { Items.Count: 0 })
        {
            Problem(list, "functions", "the list is empty: add at least one function");
        }

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < (list?.Items.Count ?? 0); i++)
        {
            var (name, function) = BindFunction(list!.Items[i], $"functions[{i}]");
            if (name is null)
            {
                continue;
            }

            if (lines.TryGetValue(name, out var first))
            {
                Problem(list.Items[i], $"functions[{i}].name", $"'{name}' is already defined on line {first}");
            }
            else
            {
                lines.Add(name, list.Items[i].Line);
                if (function is not null)
                {
                    functions.Add(function);
                }
            }
        }

        return _problems.Count == 0 ? new FunctionsFile(path, app, functions) : throw Failed();
    }

    /// <summary>The function's name when it has a valid one (for duplicate checks), and the function when it has no problem.</summary>
    private (string? Name, FunctionDefinition? Function) BindFunction(FileNode node, string field)
    {
        if (node is not MapNode map)
        {
            Problem(node, field, $"expected a map with at least 'name' and 'image', got {node.Describe()}");
            return (null, null);
        }

        var before = _problems.Count;
        var fields = new FunctionFields(this, field);
        foreach (var entry in map.Entries)
        {
            fields.Set(entry);
        }

        if (fields.Name is null && map.Entries.All(e => e.Key != "name"))
        {
            Problem(map, $"{field}.name", "missing: every function needs a name (used in /invoke/{name})");
        }

        if (fields.Image is null && map.Entries.All(e => e.Key != "image"))
        {
            Problem(map, $"{field}.image", "missing: every function needs an image");
        }

        if (fields.Image is null)
        {
            return (fields.Name, null);
        }

        // The call's own rules (image grammar, reserved variables and labels, limits), on what could be bound.
        var function = fields.Build(map.Line);
        var call = function.ToCall("", CallInput.Empty);

        // A bad image was reported at its field, with its position; a stand-in lets the rest of the call be checked.
        foreach (var problem in FunctionCallValidator.Validate(fields.ImageReported ? call with { Image = "reported/at-its-field" } : call))
        {
            Problem(map, fields.Name is null ? field : $"{field} ({fields.Name})", problem);
        }

        return (fields.Name, _problems.Count > before || fields.Name is null ? null : function);
    }

    internal void Problem(FileNode node, string field, string message) =>
        Problem(node.Line, node.Column, field, message);

    internal void Problem(int line, int column, string field, string message) =>
        _problems.Add((line, column, field.Length == 0
            ? $"{displayName}:{line}:{column}: {message}"
            : $"{displayName}:{line}:{column}: {field}: {message}"));

    internal void Unknown(MapEntry entry, string parent, IReadOnlyList<string> known)
    {
        var field = parent.Length == 0 ? entry.Key : $"{parent}.{entry.Key}";
        var hint = DidYouMean.Closest(entry.Key, known) is { } closest ? $" (did you mean '{closest}'?)" : "";
        Problem(entry.Line, entry.Column, field, $"unknown field{hint}; known fields: {string.Join(", ", known)}");
    }

    internal string? String(FileNode node, string field)
    {
        if (node is ScalarNode { Kind: not ScalarKind.Null } scalar)
        {
            return scalar.Text;
        }

        Problem(node, field, $"expected a string, got {node.Describe()}");
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    internal static partial Regex NamePattern();

    private FunctionsFileException Failed() =>
        new(path, [.. _problems.OrderBy(p => p.Line).ThenBy(p => p.Column).Select(p => p.Text)]);
}
