using System.Globalization;
using FnPipeline.Cli.Commands;

namespace FnPipeline.Cli.Functions;

/// <summary>The fields of one function entry, bound one at a time; problems go to the binder.</summary>
internal sealed class FunctionFields(FunctionsFileBinder binder, string field)
{
    public static readonly IReadOnlyList<string> Known =
    [
        "name", "image", "format", "memory", "cpus", "timeout", "idle_timeout", "config", "cmd", "labels", "tmpfs",
        "fs_size", "max_output_bytes",
    ];

    private FunctionFormat _format;
    private long _memory;
    private long _cpus;
    private TimeSpan? _timeout;
    private TimeSpan? _idleTimeout;
    private IReadOnlyDictionary<string, string> _config = new Dictionary<string, string>();
    private IReadOnlyList<string>? _command;
    private IReadOnlyDictionary<string, string> _labels = new Dictionary<string, string>();
    private long _tmpfs;
    private long _fsSize;
    private long _maxOutput;

    public string? Name { get; private set; }

    public string? Image { get; private set; }

    /// <summary>The image's problem was reported at its field: the call check must not report it again.</summary>
    public bool ImageReported { get; private set; }

    public void Set(MapEntry entry)
    {
        var path = $"{field}.{entry.Key}";
        var value = entry.Value;
        switch (entry.Key)
        {
            case "name": Name = BindName(value, path); break;
            case "image": Image = BindImage(value, path); break;
            case "format": _format = BindFormat(value, path); break;
            case "memory": _memory = Whole(value, path, "MB"); break;
            case "cpus": _cpus = Whole(value, path, "milli-CPUs (1000 = one CPU)"); break;
            case "timeout": _timeout = Duration(value, path); break;
            case "idle_timeout": _idleTimeout = Duration(value, path); break;
            case "config": _config = Strings(value, path, isEnvironment: true); break;
            case "cmd": _command = Command(value, path); break;
            case "labels": _labels = Strings(value, path, isEnvironment: false); break;
            case "tmpfs": _tmpfs = Whole(value, path, "MB"); break;
            case "fs_size": _fsSize = Whole(value, path, "MB"); break;
            case "max_output_bytes": _maxOutput = Whole(value, path, "bytes"); break;
            default: binder.Unknown(entry, field, Known); break;
        }
    }

    public FunctionDefinition Build(int line) => new()
    {
        Name = Name ?? "",
        Image = Image!,
        Format = _format,
        MemoryMB = _memory,
        MilliCpus = _cpus,
        Timeout = _timeout,
        IdleTimeout = _idleTimeout,
        Config = _config,
        Command = _command,
        Labels = _labels,
        TmpFsMB = _tmpfs,
        FsSizeMB = _fsSize,
        MaxOutputBytes = _maxOutput,
        Line = line,
    };

    private string? BindName(FileNode value, string path)
    {
        var name = binder.String(value, path);
        if (name is not null && !FunctionsFileBinder.NamePattern().IsMatch(name))
        {
            binder.Problem(value, path, $"'{name}' is not a valid name: use letters, digits, '_', '.' and '-' (up to 128), starting with a letter or digit");
            return null;
        }

        return name;
    }

    private string? BindImage(FileNode value, string path)
    {
        var image = binder.String(value, path);
        if (image is not null && ImageReference.Problem(image) is { } problem)
        {
            binder.Problem(value, path, $"'{Shorten(image)}' {problem}");
            ImageReported = true;
        }

        return image;
    }

    private FunctionFormat BindFormat(FileNode value, string path)
    {
        switch (binder.String(value, path))
        {
            case "default" or "cold":
                return FunctionFormat.Default;
            case "http-stream" or "hot":
                return FunctionFormat.HttpStream;
            case { } other:
                binder.Problem(value, path, $"'{other}' is not a format: use 'default' (one container per call) or 'http-stream' (hot containers)");
                break;
        }

        return FunctionFormat.Default;
    }

    private long Whole(FileNode value, string path, string unit)
    {
        if (value is ScalarNode { Kind: ScalarKind.Number } number &&
            long.TryParse(number.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        binder.Problem(value, path, $"expected a whole number of {unit} (0 or more), got {value.Describe()}");
        return 0;
    }

    private TimeSpan? Duration(FileNode value, string path)
    {
        if (value is ScalarNode { Kind: ScalarKind.Number or ScalarKind.String } scalar &&
            DurationParser.TryParse(scalar.Text, out var duration) && duration > TimeSpan.Zero)
        {
            if (FunctionCallValidator.TimeoutProblem(duration) is not { } problem)
            {
                return duration;
            }

            binder.Problem(value, path, problem);
            return null;
        }

        binder.Problem(value, path, $"expected a positive duration ({DurationParser.Examples}), got {value.Describe()}");
        return null;
    }

    private Dictionary<string, string> Strings(FileNode value, string path, bool isEnvironment)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value is not MapNode map)
        {
            binder.Problem(value, path, $"expected a map of names to values, got {value.Describe()}");
            return result;
        }

        foreach (var entry in map.Entries)
        {
            // Numbers and booleans are taken as written: config values are strings to the container.
            if (entry.Value is ScalarNode { Kind: not ScalarKind.Null } scalar)
            {
                // Config becomes the container's environment: each entry is checked where it is written, and a bad one
                // is left out so the call check does not report it a second time.
                var entryPath = $"{path}.{Shorten(entry.Key)}";
                if (isEnvironment && FunctionCallValidator.EnvironmentNameProblem(entry.Key) is { } nameProblem)
                {
                    binder.Problem(entry.Line, entry.Column, entryPath, $"name '{Shorten(entry.Key)}' {nameProblem}");
                }
                else if (isEnvironment && FunctionCallValidator.EnvironmentValueProblem(entry.Key, scalar.Text) is { } valueProblem)
                {
                    binder.Problem(entry.Value, entryPath, $"value {valueProblem}");
                }
                else
                {
                    result[entry.Key] = scalar.Text;
                }
            }
            else
            {
                binder.Problem(entry.Value, $"{path}.{entry.Key}", $"expected a string, number or boolean, got {entry.Value.Describe()}");
            }
        }

        return result;
    }

    private List<string>? Command(FileNode value, string path)
    {
        if (value is not ListNode list)
        {
            binder.Problem(value, path, $"expected a list of arguments (no shell splitting), e.g. [\"/bin/sh\", \"-c\", \"cat\"], got {value.Describe()}");
            return null;
        }

        var command = new List<string>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (binder.String(list.Items[i], $"{path}[{i}]") is { } argument)
            {
                if (FunctionCallValidator.ArgumentProblem(argument) is { } problem)
                {
                    binder.Problem(list.Items[i], $"{path}[{i}]", problem);
                }
                else
                {
                    command.Add(argument);
                }
            }
        }

        return command;
    }

    // A bad value may be huge (a 300-character image, a 200 KB config name): messages show its start and its length.
    private static string Shorten(string text) => text.Length <= 80 ? text : $"{text[..77]}... ({text.Length} characters)";
}
