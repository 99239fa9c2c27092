using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// Compare-and-set writes to a key-value bucket that hold on a clustered stream: the expected revision AND a message id
/// naming the transition (key and expected revision). nats-server 2.9 checks the expected revision of two concurrent
/// proposals against the same applied state, so both may pass (measured on the 3-server test cluster: 18 of 30
/// concurrent creates after a delete succeeded twice); its duplicate window drops the second of two writes with one
/// message id, which makes the transition happen once (0 of 30).
/// </summary>
internal static class KvWrites
{
    /// <summary>
    /// Writes <paramref name="value"/> under <paramref name="key"/> if its revision is still <paramref name="expectedRevision"/>
    /// (0: no entry) and no write with <paramref name="messageId"/> happened within the bucket's duplicate window; the new
    /// revision, or null.
    /// </summary>
    public static async Task<ulong?> TryWriteAsync(INatsKVStore bucket, string key, byte[] value, ulong expectedRevision, string messageId, CancellationToken cancellationToken)
    {
        try
        {
            var ack = await bucket.JetStreamContext.PublishAsync(
                $"$KV.{bucket.Bucket}.{key}",
                value,
                opts: new NatsJSPubOpts { MsgId = messageId, ExpectedLastSubjectSequence = expectedRevision },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return ack.Error is null && !ack.Duplicate ? ack.Seq : null;
        }
        catch (NatsJSApiException)
        {
            // A wrong last sequence: someone else wrote first.
            return null;
        }
    }

    /// <summary>The key's value and revision; no value with the revision of its delete marker (or 0 without any entry).</summary>
    public static async Task<(byte[]? Value, ulong Revision)?> ReadAsync(INatsKVStore bucket, string key, CancellationToken cancellationToken)
    {
        NatsResult<NatsKVEntry<byte[]>> entry;
        try
        {
            entry = await bucket.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            // A read from the stream's leader (direct gets off) throws "no message found" where a direct get says "not found".
            return (null, 0UL);
        }

        if (entry.Success)
        {
            return (entry.Value.Value, entry.Value.Revision);
        }

        return entry.Error switch
        {
            NatsKVKeyDeletedException deleted => (null, deleted.Revision),
            NatsKVKeyNotFoundException => (null, 0UL),
            _ => throw entry.Error,
        };
    }
}
