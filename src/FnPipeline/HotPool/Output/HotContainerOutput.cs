using FnPipeline.Buffers;
using FnPipeline.Diagnostics;

namespace FnPipeline.HotPool;

/// <summary>
/// Where a hot container's stdout and stderr go. While starting, the last bytes of stderr are kept for the error
/// of a container that dies before it listens. While a call runs, both streams are kept (capped) for that call's
/// result, merged as Fn merges them. Always, lines go to the log through <see cref="ContainerOutputLog"/>.
/// </summary>
internal sealed class HotContainerOutput : IDisposable
{
    private const int StartupTailBytes = 8 * 1024;
    private readonly object _gate = new();
    private readonly int _maxCallBytes;
    private TailBuffer? _startupStderr = new(StartupTailBytes);
    private CappedTextBuffer? _call;
    private string? _callId;

    public HotContainerOutput(string containerName, ContainerOutputLog log, int maxCallBytes, TimeProvider time)
    {
        ContainerName = containerName;
        ContainerId = containerName;
        Log = log;
        Limiter = new LogRateLimiter(time);
        _maxCallBytes = maxCallBytes;
        Stdout = new OutputStreamSink(this, "stdout", isStderr: false);
        Stderr = new OutputStreamSink(this, "stderr", isStderr: true);
    }

    public string ContainerName { get; }

    public ContainerOutputLog Log { get; }

    /// <summary>The function's name (or image) in its log lines; set before the container starts.</summary>
    public string Function { get; private set; } = "";

    /// <summary>The engine's short container id in log lines (the pool's short name until the container exists).</summary>
    public string ContainerId { get; private set; }

    /// <summary>This container's share of the log: lines past it are dropped and counted.</summary>
    public LogRateLimiter Limiter { get; }

    /// <summary>Names the function and the engine container in the log lines; before the container starts.</summary>
    public void Identify(string function, string containerId)
    {
        Function = function;
        ContainerId = FunctionLog.ShortId(containerId);
    }

    public OutputStreamSink Stdout { get; }

    public OutputStreamSink Stderr { get; }

    /// <summary>Keeps a chunk for the running call or the start-up tail; returns the running call's id, if any.</summary>
    public string? Accept(OutputStreamSink sink, ReadOnlySpan<byte> chunk)
    {
        lock (_gate)
        {
            if (_callId is not null)
            {
                // Created on the first output of a call, so that quiet calls rent nothing.
                (_call ??= new CappedTextBuffer(_maxCallBytes)).Append(chunk);
            }
            else if (sink.IsStderr)
            {
                _startupStderr?.Append(chunk);
            }

            return _callId;
        }
    }

    /// <summary>The last lines of stderr written before the container became ready.</summary>
    public string StartupTail(int lines)
    {
        lock (_gate)
        {
            return _startupStderr?.Tail(lines) ?? "";
        }
    }

    /// <summary>The container listens: start-up output is no longer needed.</summary>
    public void EndStartup()
    {
        lock (_gate)
        {
            _startupStderr?.Dispose();
            _startupStderr = null;
        }
    }

    public void BeginCall(string callId)
    {
        lock (_gate)
        {
            _callId = callId;
        }
    }

    /// <summary>Ends the call's capture and returns what the container wrote during it.</summary>
    public string EndCall()
    {
        CappedTextBuffer? captured;
        lock (_gate)
        {
            captured = _call;
            _call = null;
            _callId = null;
        }

        if (captured is null)
        {
            return "";
        }

        using (captured)
        {
            return captured.ToString();
        }
    }

    /// <summary>Returns pooled buffers. Only once the driver has finished reading output (the container's exit).</summary>
    /// <summary>Logs the count of lines the rate limit dropped and no line has reported yet (the container ends).</summary>
    public void ReportDroppedLines()
    {
        if (Limiter.TakeDropped() is > 0 and var dropped)
        {
            Log.ReportRateLimited(this, dropped);
        }
    }

    public void Dispose()
    {
        ReportDroppedLines();
        lock (_gate)
        {
            _startupStderr?.Dispose();
            _startupStderr = null;
            _call?.Dispose();
            _call = null;
        }

        Stdout.Dispose();
        Stderr.Dispose();
    }
}
