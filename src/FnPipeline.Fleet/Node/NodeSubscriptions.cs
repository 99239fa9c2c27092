using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Node;

/// <summary>
/// A node's NATS subscriptions (docs/fleet.md, "Placement: pull, not push"): the call subjects follow the room
/// (<see cref="ResyncAsync"/>: none when full or draining, else <c>sync.any</c> and the hot subject of each function hot
/// on the node, in the nodes' queue group); the control subjects (status, cancel) stay until the node stops.
/// </summary>
#pragma warning disable CA1001 // The lock lives as long as the node: a call finishing after the node's disposal still resyncs through it.
internal sealed class NodeSubscriptions(
    NatsConnection connection, FleetSubjects subjects, NodeRoom room, FleetOptions fleet, string nodeId, ILogger logger)
#pragma warning restore CA1001
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, Subscription> _calls = new(StringComparer.Ordinal);
    private readonly List<Subscription> _controls = [];
    private const long NotSynced = -1;
    private Func<NatsMsg<NatsMemoryOwner<byte>>, Task>? _onCall;
    private long _syncedVersion = NotSynced;

    /// <summary>Where call messages go (set once, before the first <see cref="ResyncAsync"/>).</summary>
    public void HandleCallsWith(Func<NatsMsg<NatsMemoryOwner<byte>>, Task> onCall) => _onCall = onCall;

    /// <summary>Subscribes to a control subject (no queue group) until <see cref="DisposeControlsAsync"/>.</summary>
    public async Task AddControlAsync(string subject, Func<NatsMsg<NatsMemoryOwner<byte>>, Task> handler, CancellationToken cancellationToken) =>
        _controls.Add(await SubscribeAsync(subject, queueGroup: null, handler, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Brings the call subscriptions in line with the room: none when full or draining, else any + hot. A no-op (no
    /// allocation) while the room's <see cref="NodeRoom.SubjectsVersion"/> is the one last brought in line.
    /// </summary>
    public async Task ResyncAsync()
    {
        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (room.SubjectsVersion == _syncedVersion)
            {
                return;
            }

            await SyncAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Subscribes and unsubscribes as the room says (under the lock); on a failure the next resync tries again.</summary>
    private async Task SyncAsync()
    {
        // Bounded: while NATS reconnects, a subscribe waits; the next resync (every announce tick) tries again.
        using var bound = new CancellationTokenSource(fleet.ConnectTimeout);
        try
        {
            var wanted = room.Subjects(out var version);
            var wantedSubjects = new HashSet<string>(StringComparer.Ordinal);
            if (wanted.Any)
            {
                wantedSubjects.Add(subjects.SyncAny);
            }

            foreach (var key in wanted.HotKeys)
            {
                wantedSubjects.Add(subjects.SyncHot(key));
            }

            foreach (var subject in _calls.Keys.Where(s => !wantedSubjects.Contains(s)).ToList())
            {
                var gone = _calls[subject];
                _calls.Remove(subject);
                // Unsubscribing completes the reader; messages already delivered are still answered (busy when full).
                await gone.UnsubscribeAsync().WaitAsync(bound.Token).ConfigureAwait(false);
            }

            var onCall = _onCall ?? throw new InvalidOperationException("no call handler");
            foreach (var subject in wantedSubjects.Where(s => !_calls.ContainsKey(s)))
            {
                _calls[subject] = await SubscribeAsync(subject, subjects.NodesQueueGroup, onCall, bound.Token).ConfigureAwait(false);
            }

            _syncedVersion = version;
        }
        catch (Exception ex)
        {
            // NATS reconnects on its own and restores the subscriptions it had; the next resync retries the rest.
            _syncedVersion = NotSynced;
            NodeLog.SubscribeFailed(logger, nodeId, ex);
        }
    }

    /// <summary>Leaves the control subjects (the node no longer answers status requests or cancellations).</summary>
    public async Task DisposeControlsAsync()
    {
        foreach (var control in _controls)
        {
            await control.DisposeAsync().ConfigureAwait(false);
        }

        _controls.Clear();
    }

    private async Task<Subscription> SubscribeAsync(
        string subject, string? queueGroup, Func<NatsMsg<NatsMemoryOwner<byte>>, Task> handler, CancellationToken cancellationToken)
    {
        // NATS ends a subscription when the token given to SubscribeCoreAsync is cancelled (later too): the bound applies
        // to the wait only. A subscription established after the bound is dropped, so no call reaches one nobody reads.
        var subscribing = connection.SubscribeCoreAsync<NatsMemoryOwner<byte>>(subject, queueGroup, cancellationToken: CancellationToken.None).AsTask();
        INatsSub<NatsMemoryOwner<byte>> sub;
        try
        {
            sub = await subscribing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _ = subscribing.ContinueWith(static t => t.Result.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }

        return new Subscription(sub, ReadAsync(sub, handler));
    }

    private static async Task ReadAsync(INatsSub<NatsMemoryOwner<byte>> sub, Func<NatsMsg<NatsMemoryOwner<byte>>, Task> handler)
    {
        // Handlers run concurrently: each takes (or refuses) its slot synchronously before its first await.
        while (await sub.Msgs.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (sub.Msgs.TryRead(out var msg))
            {
                _ = handler(msg);
            }
        }
    }

    /// <summary>A subscription and the loop reading it.</summary>
    private sealed class Subscription(INatsSub<NatsMemoryOwner<byte>> sub, Task reader) : IAsyncDisposable
    {
        /// <summary>The reader ends on its own once the messages already delivered are handled (never awaited: a
        /// subscription ended while NATS reconnects must not hold the node's subscription lock).</summary>
        public Task Reader => reader;

        public async Task UnsubscribeAsync() => await sub.UnsubscribeAsync().ConfigureAwait(false);

        public async ValueTask DisposeAsync()
        {
            await UnsubscribeAsync().ConfigureAwait(false);
            await sub.DisposeAsync().ConfigureAwait(false);
        }
    }
}
