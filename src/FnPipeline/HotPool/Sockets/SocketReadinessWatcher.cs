using Microsoft.Extensions.Logging;

namespace FnPipeline.HotPool;

/// <summary>
/// Watches a socket directory for <c>lsnr.sock</c>. Armed before the container starts and re-checked right after
/// arming, so no creation can fall between "look" and "watch". Every event in the directory re-runs the check. A link
/// whose target is missing (dangling) fails once <see cref="DanglingGrace"/> has passed since it was first seen without
/// the target appearing: the FDKs bind before they link, so the grace only serves a function that links first. If
/// inotify cannot be used (instance limit) or overflows, it polls instead.
/// </summary>
internal sealed class SocketReadinessWatcher : IDisposable
{
    /// <summary>How long a dangling <c>lsnr.sock</c> link may wait for its target (docs/contract.md).</summary>
    public static readonly TimeSpan DanglingGrace = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private readonly TaskCompletionSource<SocketCheck> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _socketPath;
    private readonly TimeProvider _time;
    private readonly FileSystemWatcher? _watcher;
    private ITimer? _poll;
    private ITimer? _grace;
    private int _disposed;

    public SocketReadinessWatcher(SocketDirectory directory, TimeProvider time, ILogger logger)
    {
        _socketPath = directory.SocketPath;
        _time = time;
        try
        {
            _watcher = new FileSystemWatcher(directory.Path)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName,
                IncludeSubdirectories = false,
            };
            _watcher.Created += OnChanged;
            _watcher.Renamed += OnChanged;
            _watcher.Error += OnError;
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            HotPoolLog.WatcherFallback(logger, directory.Path, ex);
            _watcher?.Dispose();
            _watcher = null;
            StartPolling();
        }

        Check();
    }

    /// <summary>Completes with <see cref="SocketCheckState.Ready"/> or <see cref="SocketCheckState.Invalid"/>.</summary>
    public Task<SocketCheck> Result => _result.Task;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watcher?.Dispose();
        Interlocked.Exchange(ref _poll, null)?.Dispose();
        Interlocked.Exchange(ref _grace, null)?.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => Check();

    private void OnError(object sender, ErrorEventArgs e)
    {
        // The event queue overflowed: an event may be lost, so look now and keep looking.
        StartPolling();
        Check();
    }

    private void StartPolling()
    {
        if (Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref _poll) is not null)
        {
            return;
        }

        var timer = _time.CreateTimer(static state => ((SocketReadinessWatcher)state!).Check(), this, PollInterval, PollInterval);
        if (Interlocked.CompareExchange(ref _poll, timer, null) is not null || Volatile.Read(ref _disposed) != 0)
        {
            timer.Dispose();
        }
    }

    private void Check()
    {
        if (_result.Task.IsCompleted || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var check = SocketDestination.Check(_socketPath);
        switch (check.State)
        {
            case SocketCheckState.Pending:
                break;
            case SocketCheckState.Dangling:
                StartGrace();
                break;
            default:
                _result.TrySetResult(check);
                break;
        }
    }

    /// <summary>Arms the one-shot grace at the first sight of a dangling link; its end looks once more.</summary>
    private void StartGrace()
    {
        if (Volatile.Read(ref _grace) is not null)
        {
            return;
        }

        var timer = _time.CreateTimer(static state => ((SocketReadinessWatcher)state!).EndGrace(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref _grace, timer, null) is not null || Volatile.Read(ref _disposed) != 0)
        {
            timer.Dispose();
            return;
        }

        timer.Change(DanglingGrace, Timeout.InfiniteTimeSpan);
    }

    private void EndGrace()
    {
        if (_result.Task.IsCompleted || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var check = SocketDestination.Check(_socketPath);
        if (check.State == SocketCheckState.Dangling)
        {
            check = SocketCheck.Invalid(check.Problem!);
        }

        if (check.State != SocketCheckState.Pending)
        {
            _result.TrySetResult(check);
            return;
        }

        // The link went away: a link seen dangling later gets a grace of its own.
        Interlocked.Exchange(ref _grace, null)?.Dispose();
    }
}
