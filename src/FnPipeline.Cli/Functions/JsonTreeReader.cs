using System.Text;
using System.Text.Json;

namespace FnPipeline.Cli.Functions;

/// <summary>
/// Reads JSON into a <see cref="FileNode"/> tree. <see cref="Utf8JsonReader"/> gives each token's byte offset, which is
/// turned into a line and column here (comments and trailing commas are allowed, as in editors' JSONC).
/// </summary>
internal static class JsonTreeReader
{
    private static readonly JsonReaderOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 64,
    };

    /// <summary>The tree of <paramref name="utf8"/>; throws <see cref="FileSyntaxException"/> with the position of a syntax error.</summary>
    public static FileNode Read(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith(Encoding.UTF8.Preamble))
        {
            utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        }

        var lines = new LineMap(utf8);
        var reader = new Utf8JsonReader(utf8, Options);
        try
        {
            if (!reader.Read())
            {
                throw new FileSyntaxException(1, 1, "the file is empty");
            }

            var root = ReadValue(ref reader, lines);
            if (reader.Read())
            {
                var (line, column) = lines.Position(reader.TokenStartIndex);
                throw new FileSyntaxException(line, column, "unexpected content after the end of the document");
            }

            return root;
        }
        catch (JsonException e)
        {
            throw new FileSyntaxException((int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, Describe(e));
        }
    }

    private static FileNode ReadValue(ref Utf8JsonReader reader, LineMap lines)
    {
        var (line, column) = lines.Position(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, lines, line, column);
            case JsonTokenType.StartArray:
                var items = new List<FileNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, lines));
                }

                return new ListNode(line, column, items);
            case JsonTokenType.String:
                return new ScalarNode(line, column, reader.GetString() ?? "", ScalarKind.String);
            case JsonTokenType.Number:
                return new ScalarNode(line, column, Encoding.UTF8.GetString(reader.ValueSpan), ScalarKind.Number);
            case JsonTokenType.True or JsonTokenType.False:
                return new ScalarNode(line, column, reader.TokenType == JsonTokenType.True ? "true" : "false", ScalarKind.Boolean);
            default:
                return new ScalarNode(line, column, "null", ScalarKind.Null);
        }
    }

    private static MapNode ReadObject(ref Utf8JsonReader reader, LineMap lines, int line, int column)
    {
        var entries = new List<MapEntry>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var (keyLine, keyColumn) = lines.Position(reader.TokenStartIndex);
            var key = reader.GetString() ?? "";
            if (!seen.TryAdd(key, keyLine))
            {
                throw new FileSyntaxException(keyLine, keyColumn, $"the key '{key}' appears twice in one object (first on line {seen[key]})");
            }

            reader.Read();
            entries.Add(new MapEntry(key, keyLine, keyColumn, ReadValue(ref reader, lines)));
        }

        return new MapNode(line, column, entries);
    }

    // The reader's message ends with its own "LineNumber: n | BytePositionInLine: m." (0-based); the caller prints a 1-based one.
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    /// <summary>Byte offset → 1-based line and column.</summary>
    private readonly struct LineMap
    {
        private readonly List<long> _starts;

        public LineMap(ReadOnlySpan<byte> utf8)
        {
            _starts = [0];
            for (var i = 0; i < utf8.Length; i++)
            {
                if (utf8[i] == (byte)'\n')
                {
                    _starts.Add(i + 1);
                }
            }
        }

        public (int Line, int Column) Position(long offset)
        {
            var index = _starts.BinarySearch(offset);
            var line = index >= 0 ? index : ~index - 1;
            return (line + 1, (int)(offset - _starts[line]) + 1);
        }
    }
}
