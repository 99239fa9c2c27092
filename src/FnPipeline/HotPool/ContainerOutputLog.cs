using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace FnPipeline.HotPool;

/// <summary>
/// Carries container output lines to the log off the container's output path. The driver's reader thread only
/// does a non-blocking <see cref="ChannelWriter{T}.TryWrite"/> into a bounded channel (lines are dropped and counted
/// when the log falls behind); one pump task writes the log. So a slow log provider can never stall a function,
/// which is the seed bug this replaces (Fn's idle writers blocked the container between calls).
/// </summary>
internal sealed class ContainerOutputLog : IAsyncDisposable
{
    private const int Capacity = 4096;
    private readonly Channel<OutputLine> _lines;
    private readonly ILogger _logger;
    private readonly Task _pump;
    private long _dropped;

    public ContainerOutputLog(ILogger logger)
    {
        _logger = logger;
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
    public bool IsEnabled => _logger.IsEnabled(LogLevel.Debug);

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a line; never blocks. A full queue drops the line (and counts it).</summary>
    public void Write(string container, string stream, string? callId, ReadOnlySpan<byte> line)
    {
        var text = System.Text.Encoding.UTF8.GetString(line);

        // DropWrite reports success while dropping, so fullness is checked first; the count is approximate.
        if (_lines.Reader.Count >= Capacity || !_lines.Writer.TryWrite(new OutputLine(container, stream, callId, text)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        long reported = 0;
        await foreach (var line in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (line.CallId is null)
            {
                HotPoolLog.ContainerOutput(_logger, line.Container, line.Stream, line.Text);
            }
            else
            {
                HotPoolLog.CallOutput(_logger, line.Container, line.Stream, line.CallId, line.Text);
            }

            var dropped = Dropped;
            if (dropped != reported && _lines.Reader.Count == 0)
            {
                HotPoolLog.OutputDropped(_logger, dropped - reported);
                reported = dropped;
            }
        }
    }

    private readonly record struct OutputLine(string Container, string Stream, string? CallId, string Text);
}
