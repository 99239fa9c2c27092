using System.Globalization;
using System.Text;
using NATS.Client.KeyValueStore;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// The fleet-wide in-flight limit of a function: N lease keys <c>&lt;function key&gt;.&lt;0..N-1&gt;</c> in the limits
/// bucket. A run takes a free one with a compare-and-set write (<see cref="KvWrites"/>; or takes back its own after a
/// redelivery), refreshes it
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
            var read = await KvWrites.ReadAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            if (read is not var (holder, revision))
            {
                continue;
            }

            // A free slot (no entry, or a released one), or the lease this call's earlier run held (a redelivery).
            if (holder is null || holder.AsSpan().SequenceEqual(value))
            {
                var written = await KvWrites.TryWriteAsync(bucket, key, value, revision, $"lease.{key}.{revision}", cancellationToken).ConfigureAwait(false);
                if (written is { } newRevision)
                {
                    return new Lease(bucket, key, value, newRevision);
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
            var revision = Volatile.Read(ref _revision);
            if (await KvWrites.TryWriteAsync(bucket, key, value, revision, $"lease.{key}.{revision}", cancellationToken).ConfigureAwait(false) is { } updated)
            {
                Volatile.Write(ref _revision, updated);
            }
        }

        /// <summary>Frees the lease (only if it is still this run's).</summary>
        public async Task ReleaseAsync(CancellationToken cancellationToken) =>
            await bucket.TryDeleteAsync(key, new NatsKVDeleteOpts { Revision = Volatile.Read(ref _revision) }, cancellationToken).ConfigureAwait(false);
    }
}
