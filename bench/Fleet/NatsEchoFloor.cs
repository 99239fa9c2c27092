using FnPipeline.Fleet;
using NATS.Client.Core;

namespace FnPipeline.Benchmarks.Fleet;

/// <summary>
/// The floor of the NATS hop: a bare NATS.Net request-reply echo, no FnPipeline code on either end. A responder on its own
/// connection, subscribed in a queue group and reading its messages as a fleet node does (one loop, a handler per
/// message), publishes the request's payload back with a small header; the requester uses
/// <see cref="NatsConnection.RequestAsync{TRequest,TReply}"/> on another connection. What this side costs is what NATS
/// itself (client library, loopback TCP, server) costs on this machine for one round trip of that size.
/// </summary>
internal sealed class NatsEchoFloor : IAsyncDisposable
{
    private readonly NatsConnection _requester;
    private readonly NatsConnection _responder;
    private readonly string _subject;
    private readonly NatsHeaders _replyHeaders = new() { ["Fnp-Reply"] = "outcome", ["Fnp-Node"] = "bench-floor" };
    private INatsSub<NatsMemoryOwner<byte>>? _sub;
    private Task? _reader;

    private NatsEchoFloor(NatsConnection requester, NatsConnection responder, string subject)
    {
        _requester = requester;
        _responder = responder;
        _subject = subject;
    }

    /// <summary>A started echo: the responder connected to <paramref name="responderUrl"/>, the requester to <paramref name="requesterUrl"/>.</summary>
    public static async Task<NatsEchoFloor> StartAsync(string requesterUrl, string responderUrl, string fleet)
    {
        var floor = new NatsEchoFloor(
            FleetConnections.Create(new FleetOptions { Url = requesterUrl, Fleet = fleet }),
            FleetConnections.Create(new FleetOptions { Url = responderUrl, Fleet = fleet }),
            $"fnp.{fleet}.bench.echo");
        await floor._requester.ConnectAsync();
        await floor._responder.ConnectAsync();
        floor._sub = await floor._responder.SubscribeCoreAsync<NatsMemoryOwner<byte>>(floor._subject, queueGroup: $"fnp.{fleet}.bench");
        floor._reader = floor.ReadAsync(floor._sub);
        await floor._responder.PingAsync();
        return floor;
    }

    /// <summary>One request with <paramref name="payload"/>; throws when the echo is not the same length.</summary>
    public async Task EchoAsync(ReadOnlyMemory<byte> payload)
    {
        var reply = await _requester.RequestAsync<ReadOnlyMemory<byte>, NatsMemoryOwner<byte>>(_subject, payload).ConfigureAwait(false);
        using var data = reply.Data;
        if (data.Memory.Length != payload.Length)
        {
            throw new InvalidOperationException($"NATS echo returned {data.Memory.Length} bytes for {payload.Length}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sub is not null)
        {
            await _sub.DisposeAsync();
        }

        if (_reader is not null)
        {
            await _reader;
        }

        await _requester.DisposeAsync();
        await _responder.DisposeAsync();
    }

    private async Task ReadAsync(INatsSub<NatsMemoryOwner<byte>> sub)
    {
        while (await sub.Msgs.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (sub.Msgs.TryRead(out var msg))
            {
                _ = ReplyAsync(msg);
            }
        }
    }

    private async Task ReplyAsync(NatsMsg<NatsMemoryOwner<byte>> msg)
    {
        using var payload = msg.Data;
        if (msg.ReplyTo is { } replyTo)
        {
            await _responder.PublishAsync(replyTo, payload.Memory, _replyHeaders).ConfigureAwait(false);
        }
    }
}
