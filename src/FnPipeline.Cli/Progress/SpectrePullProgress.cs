using Spectre.Console;

namespace FnPipeline.Cli.Progress;

/// <summary>
/// Pull progress as Spectre.Console bars on the terminal (stderr): one bar per layer, started lazily at the first event
/// so that calls without a pull show nothing.
/// </summary>
internal sealed class SpectrePullProgress : PullProgressDisplay
{
    private static readonly string[] LayerDone = ["Pull complete", "Already exists"];

    private readonly IAnsiConsole _console;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly List<ImagePullProgress> _pending = [];
    private ProgressContext? _context;
    private Task? _display;

    public SpectrePullProgress(TextWriter stderr)
    {
        _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
    }

    public override void Report(ImagePullProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (_finish.Task.IsCompleted)
            {
                return;
            }

            _display ??= Start();
            if (_context is null)
            {
                _pending.Add(value);
                return;
            }

            Apply(_context, value);
        }
    }

    public override async Task CompleteAsync()
    {
        Task? display;
        lock (_gate)
        {
            FinishTasks();
            _finish.TrySetResult();
            display = _display;
        }

        if (display is not null)
        {
            await display.ConfigureAwait(false);
        }
    }

    private void FinishTasks()
    {
        foreach (var task in _tasks.Values)
        {
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }

    private Task Start() =>
        _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                lock (_gate)
                {
                    _context = context;
                    foreach (var pending in _pending)
                    {
                        Apply(context, pending);
                    }

                    _pending.Clear();
                }

                await _finish.Task.ConfigureAwait(false);
            });

    private void Apply(ProgressContext context, ImagePullProgress value)
    {
        var isLayer = value.LayerId is not null && (value.Total is not null || _tasks.ContainsKey(value.Image + value.LayerId) || !value.Status.StartsWith("Pulling from", StringComparison.Ordinal));
        var key = isLayer ? value.Image + value.LayerId : value.Image;
        if (!_tasks.TryGetValue(key, out var task))
        {
            task = context.AddTask(Markup.Escape(key), maxValue: 1);
            task.IsIndeterminate = true;
            _tasks.Add(key, task);
        }

        var bytes = value.Total is { } size
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" {(value.Current ?? 0) / 1048576.0:F1}/{size / 1048576.0:F1} MiB")
            : "";
        task.Description = Markup.Escape(isLayer ? $"  {value.LayerId} {value.Status}{bytes}" : $"{value.Image}: {value.Status}");
        if (!isLayer && value.Status.StartsWith("Status:", StringComparison.Ordinal))
        {
            // The engine's last word on the pull: the bars are done before the call runs.
            FinishTasks();
            _finish.TrySetResult();
        }
        else if (value.Total is { } total && value.Current is { } current)
        {
            task.IsIndeterminate = false;
            task.MaxValue = total;
            task.Value = Math.Min(current, total);
        }
        else if (Array.IndexOf(LayerDone, value.Status) >= 0 || value.Status == "Download complete")
        {
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            if (Array.IndexOf(LayerDone, value.Status) >= 0)
            {
                task.StopTask();
            }
        }
    }
}
