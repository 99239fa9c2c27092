using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FnPipeline.Cli.Functions;

/// <summary>Reads the first YAML document into a <see cref="FileNode"/> tree, keeping each node's line and column.</summary>
internal static class YamlTreeReader
{
    /// <summary>The tree of <paramref name="text"/>; throws <see cref="FileSyntaxException"/> with the position of a syntax error.</summary>
    public static FileNode Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new FileSyntaxException((int)e.Start.Line, (int)e.Start.Column, Describe(e));
        }

        if (stream.Documents.Count == 0)
        {
            throw new FileSyntaxException(1, 1, "the file is empty");
        }

        return Convert(stream.Documents[0].RootNode);
    }

    private static FileNode Convert(YamlNode node)
    {
        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        switch (node)
        {
            case YamlMappingNode map:
                var entries = new List<MapEntry>();
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode scalarKey ? scalarKey.Value ?? "" : key.ToString();
                    if (!seen.TryAdd(name, (int)key.Start.Line))
                    {
                        throw new FileSyntaxException((int)key.Start.Line, (int)key.Start.Column,
                            $"the key '{name}' appears twice in one map (first on line {seen[name]})");
                    }

                    entries.Add(new MapEntry(name, (int)key.Start.Line, (int)key.Start.Column, Convert(value)));
                }

                return new MapNode(line, column, entries);
            case YamlSequenceNode list:
                return new ListNode(line, column, list.Children.Select(Convert).ToList());
            case YamlScalarNode scalar:
                return Scalar(scalar, line, column);
            default:
                return new ScalarNode(line, column, node.ToString(), ScalarKind.String);
        }
    }

    // YAML 1.2 core schema for plain scalars; quoted scalars are always strings.
    private static ScalarNode Scalar(YamlScalarNode scalar, int line, int column)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain and not ScalarStyle.Any)
        {
            return new ScalarNode(line, column, text, ScalarKind.String);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return new ScalarNode(line, column, "null", ScalarKind.Null);
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return new ScalarNode(line, column, text.ToLowerInvariant(), ScalarKind.Boolean);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? new ScalarNode(line, column, text, ScalarKind.Number)
            : new ScalarNode(line, column, text, ScalarKind.String);
    }

    // YamlDotNet prefixes its messages with "(Line: n, Col: m, Idx: i) - (Line: …): "; the caller prints the position.
    private static string Describe(YamlException e)
    {
        var message = e.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return (cut >= 0 && message.StartsWith("(Line:", StringComparison.Ordinal) ? message[(cut + 3)..] : message).TrimEnd('.', ' ');
    }
}
