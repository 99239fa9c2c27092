using System.Threading.Channels;

namespace FnPipeline.HotPool;

/// <summary>
/// "A limit may have room now" hints for one function's waiters: when a container anywhere is removed or a launch
/// ends, pools with waiters get a signal so that a waiter blocked by a limit tries to launch again. Hints only: dropped
/// when the channel is full, a stale one costs one retry; the waiter re-checks the limits itself.
/// </summary>
internal sealed class CapacitySignals(int capacity)
{
    private readonly Channel<byte> _signals = Channel.CreateBounded<byte>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = false,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    });

    /// <summary>Tells one waiter that a limit may have room now.</summary>
    public void Signal() => _signals.Writer.TryWrite(0);

    public ValueTask<byte> ReadAsync(CancellationToken cancellationToken) => _signals.Reader.ReadAsync(cancellationToken);
}
