using System.Threading.Channels;
using FnPipeline.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FnPipeline.HotPool;

/// <summary>
/// Carries container output lines to the function log (<see cref="FunctionLog.Category"/>, Information) off the
/// container's output path. The driver's reader thread only does a non-blocking <see cref="ChannelWriter{T}.TryWrite"/>
/// into a bounded channel (lines are dropped and counted when the log falls behind); one pump task writes the log. So a
/// slow log provider can never stall a function, which is the seed bug this replaces (Fn's idle writers blocked the
/// container between calls). Each container's lines pass its own <see cref="LogRateLimiter"/> first.
/// </summary>
internal sealed class ContainerOutputLog : IAsyncDisposable
{
    private const int Capacity = 4096;
    private readonly Channel<OutputLine> _lines;
    private readonly ILogger _functionLogger;
    private readonly ILogger _poolLogger;
    private readonly Task _pump;
    private long _dropped;

    /// <param name="functionLogger">Where the lines go (category <see cref="FunctionLog.Category"/>).</param>
    /// <param name="poolLogger">Where the pool reports lines lost because the log fell behind.</param>
    public ContainerOutputLog(ILogger functionLogger, ILogger poolLogger)
    {
        _functionLogger = functionLogger;
        _poolLogger = poolLogger;
        _lines = Channel.CreateBounded<OutputLine>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Whether lines are logged at all; when not, sinks skip splitting and decoding.</summary>
    public bool IsEnabled => _functionLogger.IsEnabled(LogLevel.Information);

    /// <summary>Lines lost because the log fell behind (not those of the rate limit).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a line if the container's rate limit lets it through; never blocks.</summary>
    public void Write(HotContainerOutput source, string stream, string? callId, ReadOnlySpan<byte> line)
    {
        if (!source.Limiter.TryAcquire(out var droppedBefore))
        {
            return;
        }

        if (droppedBefore > 0)
        {
            ReportRateLimited(source, droppedBefore);
        }

        Enqueue(new OutputLine(source.Function, source.ContainerId, stream, callId, System.Text.Encoding.UTF8.GetString(line), 0, 0, 0));
    }

    /// <summary>Queues the count of lines the container's rate limit dropped.</summary>
    public void ReportRateLimited(HotContainerOutput source, long count)
    {
        var limiter = source.Limiter;
        Enqueue(new OutputLine(source.Function, source.ContainerId, "", null, "", count, limiter.LinesPerSecond, limiter.Burst));
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    private void Enqueue(OutputLine line)
    {
        // DropWrite reports success while dropping, so fullness is checked first; the count is approximate.
        if (_lines.Reader.Count >= Capacity || !_lines.Writer.TryWrite(line))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task PumpAsync()
    {
        long reported = 0;
        await foreach (var line in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (line.RateLimited > 0)
            {
                FunctionLog.Dropped(_functionLogger, line.RateLimited, line.Function, line.ContainerId, line.LinesPerSecond, line.Burst);
            }
            else if (line.CallId is null)
            {
                FunctionLog.Output(_functionLogger, line.Function, line.ContainerId, line.Stream, line.Text);
            }
            else
            {
                FunctionLog.CallOutput(_functionLogger, line.Function, line.ContainerId, line.Stream, line.CallId, line.Text);
            }

            var dropped = Dropped;
            if (dropped != reported && _lines.Reader.Count == 0)
            {
                HotPoolLog.OutputDropped(_poolLogger, dropped - reported);
                reported = dropped;
            }
        }
    }

    private readonly record struct OutputLine(
        string Function, string ContainerId, string Stream, string? CallId, string Text, long RateLimited, int LinesPerSecond, int Burst);
}
