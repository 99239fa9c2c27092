using System.Globalization;
using System.Text;
using NATS.Client.KeyValueStore;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// The fleet-wide in-flight limit of a function: N lease keys <c>&lt;function key&gt;.&lt;0..N-1&gt;</c> in the limits
/// bucket. A run takes a free one with a create-only write (or takes back its own after a redelivery), refreshes it
/// with every progress acknowledgement, and deletes it when done. The bucket's max age equals the ack wait: the lease of
/// a node that died frees itself by the time the stream redelivers the call.
/// </summary>
internal sealed class FunctionInFlightLimiter(INatsKVStore bucket)
{
    /// <summary>A free lease for <paramref name="callId"/>, or null when all <paramref name="limit"/> are held.</summary>
    public async Task<Lease?> TryAcquireAsync(string functionKey, int limit, string callId, CancellationToken cancellationToken)
    {
        var value = Encoding.UTF8.GetBytes(callId);
        for (var slot = 0; slot < limit; slot++)
        {
            var key = functionKey + "." + slot.ToString(CultureInfo.InvariantCulture);
            var created = await bucket.TryCreateAsync(key, value, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (created.Success)
            {
                return new Lease(bucket, key, value, created.Value);
            }

            // A redelivered call finds the lease its earlier run held: it takes it over.
            var entry = await bucket.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (entry.Success && entry.Value.Value is { } holder && holder.AsSpan().SequenceEqual(value))
            {
                var updated = await bucket.TryUpdateAsync(key, value, entry.Value.Revision, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (updated.Success)
                {
                    return new Lease(bucket, key, value, updated.Value);
                }
            }
        }

        return null;
    }

    /// <summary>One held lease.</summary>
    internal sealed class Lease(INatsKVStore bucket, string key, byte[] value, ulong revision)
    {
        private ulong _revision = revision;

        public string Key => key;

        /// <summary>Rewrites the lease so that the bucket's max age starts again.</summary>
        public async Task RefreshAsync(CancellationToken cancellationToken)
        {
            var updated = await bucket.TryUpdateAsync(key, value, Volatile.Read(ref _revision), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (updated.Success)
            {
                Volatile.Write(ref _revision, updated.Value);
            }
        }

        /// <summary>Frees the lease (only if it is still this run's).</summary>
        public async Task ReleaseAsync(CancellationToken cancellationToken) =>
            await bucket.TryDeleteAsync(key, new NatsKVDeleteOpts { Revision = Volatile.Read(ref _revision) }, cancellationToken).ConfigureAwait(false);
    }
}
