namespace FnPipeline.Cli.Functions;

/// <summary>The functions a gateway serves, loaded from a JSON or YAML file (format: docs/functions-file.md).</summary>
internal sealed class FunctionsFile
{
    private readonly Dictionary<string, FunctionDefinition> _byName;

    public FunctionsFile(string path, string app, IReadOnlyList<FunctionDefinition> functions)
    {
        Path = path;
        App = app;
        Functions = functions;
        _byName = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>The application name given to every function (<c>FN_APP_NAME</c>); <c>app</c> in the file.</summary>
    public string App { get; }

    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public FunctionDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Loads and checks <paramref name="path"/>; throws <see cref="FunctionsFileException"/> listing every problem.</summary>
    public static FunctionsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FunctionsFileException(path, [$"cannot read it: {e.Message}"]);
        }

        return Parse(path, bytes);
    }

    /// <summary>Parses file content; the format comes from the extension (.json, .yaml, .yml), else from the first character.</summary>
    public static FunctionsFile Parse(string path, ReadOnlySpan<byte> content)
    {
        var name = System.IO.Path.GetFileName(path);
        FileNode root;
        try
        {
            root = IsJson(path, content)
                ? JsonTreeReader.Read(content)
                : YamlTreeReader.Read(System.Text.Encoding.UTF8.GetString(content));
        }
        catch (FileSyntaxException e)
        {
            throw new FunctionsFileException(path, [$"{name}:{e.Line}:{e.Column}: {e.Message}"]);
        }

        return new FunctionsFileBinder(path, name).Bind(root);
    }

    private static bool IsJson(string path, ReadOnlySpan<byte> content)
    {
        var extension = System.IO.Path.GetExtension(path);
        if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var text = content.TrimStart("\xEF\xBB\xBF"u8).TrimStart(" \t\r\n"u8);
        return text.Length > 0 && text[0] is (byte)'{' or (byte)'[';
    }
}
