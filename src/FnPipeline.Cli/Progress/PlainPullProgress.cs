using System.Globalization;

namespace FnPipeline.Cli.Progress;

/// <summary>Pull progress as plain lines (logs, pipes, CI): one line per layer and status change, byte counts left out.</summary>
internal sealed class PlainPullProgress(TextWriter writer) : PullProgressDisplay
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _lastStatus = new(StringComparer.Ordinal);
    private readonly HashSet<string> _images = new(StringComparer.Ordinal);

    public override void Report(ImagePullProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (_images.Add(value.Image))
            {
                writer.WriteLine($"fnpipe: pulling {value.Image}");
            }

            var key = value.Image + "\n" + (value.LayerId ?? "");
            if (_lastStatus.TryGetValue(key, out var last) && last == value.Status)
            {
                return;
            }

            _lastStatus[key] = value.Status;
            var size = value.Total is { } total ? string.Create(CultureInfo.InvariantCulture, $" ({total / (1024.0 * 1024.0):F1} MiB)") : "";
            writer.WriteLine(value.LayerId is null
                ? $"fnpipe: pull {value.Image}: {value.Status}"
                : $"fnpipe: pull {value.Image}: {value.LayerId}: {value.Status}{size}");
        }
    }

    public override Task CompleteAsync()
    {
        lock (_gate)
        {
            writer.Flush();
        }

        return Task.CompletedTask;
    }
}
