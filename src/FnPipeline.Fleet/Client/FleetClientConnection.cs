using System.Collections.Concurrent;
using FnPipeline.Fleet.Wire;
using NATS.Client.Core;

namespace FnPipeline.Fleet.Client;

/// <summary>
/// A fleet client's NATS connection and its one reply inbox: every call's replies arrive on
/// <c>&lt;inbox&gt;.&lt;n&gt;</c> and are handed to the call waiting under <c>n</c>. Connects on demand (never waiting on a
/// reconnecting connection), and tells waiting calls when the connection is lost (<see cref="Lost"/>).
/// </summary>
internal sealed class FleetClientConnection : IAsyncDisposable
{
    private readonly FleetOptions _fleet;
    private readonly bool _owns;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly ConcurrentDictionary<long, CallReplies> _pending = new();
    private readonly string _inbox;
    private INatsSub<NatsMemoryOwner<byte>>? _inboxSub;
    private Task? _inboxReader;
    private long _nextReply;
    private CancellationTokenSource _lost = new();

    public FleetClientConnection(FleetOptions fleet, string instanceId, NatsConnection? connection)
    {
        _fleet = fleet;
        _owns = connection is null;
        Connection = connection ?? FleetConnections.Create(fleet);
        _inbox = $"{Connection.Opts.InboxPrefix}.fnp.{instanceId}.{Guid.NewGuid():N}";
        Connection.ConnectionDisconnected += OnDisconnectedAsync;
    }

    public NatsConnection Connection { get; }

    /// <summary>Cancelled when the connection is lost (a new token for every connection).</summary>
    public CancellationToken Lost => Volatile.Read(ref _lost).Token;

    /// <summary>A new reply subject and where its replies arrive; <see cref="Forget"/> it when done.</summary>
    public (long Id, string ReplyTo, CallReplies Replies) Register()
    {
        var id = Interlocked.Increment(ref _nextReply);
        var replies = new CallReplies();
        _pending[id] = replies;
        return (id, $"{_inbox}.{id}", replies);
    }

    /// <summary>Stops waiting for replies under <paramref name="id"/>; those already there are released.</summary>
    public void Forget(long id, CallReplies replies)
    {
        _pending.TryRemove(id, out _);
        replies.Close();
    }

    /// <summary>Null when connected (connecting now if needed), else the problem; never waits on a reconnecting connection.</summary>
    public async Task<string?> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (Connection.ConnectionState == NatsConnectionState.Open && _inboxSub is not null)
        {
            return null;
        }

        if (Connection.ConnectionState == NatsConnectionState.Reconnecting)
        {
            return $"NATS at {_fleet.Url} is unreachable (reconnecting); the call did not run";
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Connection.ConnectionState != NatsConnectionState.Open)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_fleet.ConnectTimeout);
                await Connection.ConnectAsync().AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            }

            if (_inboxSub is null)
            {
                // Not the caller's token: NATS ends a subscription when the token given to SubscribeCoreAsync is cancelled,
                // and this inbox serves every call of the client (a first call cancelled took all replies with it).
                _inboxSub = await Connection.SubscribeCoreAsync<NatsMemoryOwner<byte>>($"{_inbox}.*", cancellationToken: CancellationToken.None).ConfigureAwait(false);
                _inboxReader = ReadInboxAsync(_inboxSub);
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"NATS at {_fleet.Url} did not answer within {_fleet.ConnectTimeout.TotalSeconds:0.#} s (ConnectTimeout); the call did not run";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"NATS at {_fleet.Url} is unreachable ({ex.Message}); the call did not run";
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Leaves the inbox and closes the connection when this client made it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_inboxSub is not null)
        {
            await _inboxSub.DisposeAsync().ConfigureAwait(false);
        }

        if (_inboxReader is not null)
        {
            await _inboxReader.ConfigureAwait(false);
        }

        if (_owns)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        var lost = Interlocked.Exchange(ref _lost, new CancellationTokenSource());
        // Not disposed: a call may be reading its token right now (it is a small object; the GC takes it).
        lost.Cancel();
        return ValueTask.CompletedTask;
    }

    /// <summary>Hands every message on the inbox to the call waiting for it (by the reply subject's last token).</summary>
    private async Task ReadInboxAsync(INatsSub<NatsMemoryOwner<byte>> sub)
    {
        var prefixLength = _inbox.Length + 1;
        while (await sub.Msgs.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (sub.Msgs.TryRead(out var msg))
            {
                var reply = new SyncReply(SyncReplies.KindOf(msg.Headers), SyncReplies.NodeOf(msg.Headers), msg.HasNoResponders, msg.Data);
                if (msg.Subject.Length <= prefixLength
                    || !long.TryParse(msg.Subject.AsSpan(prefixLength), out var id)
                    || !_pending.TryGetValue(id, out var waiting)
                    || !waiting.TryWrite(reply))
                {
                    reply.Payload.Dispose(); // a late reply to a call that already has its answer
                }
            }
        }
    }
}
