using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// Creates what asynchronous calls need when it is missing: the call stream (work-queue retention, deduplication by
/// call id), its durable consumer <c>nodes</c>, the results bucket and the in-flight limits bucket. Idempotent: what
/// exists is used as it is (clients and nodes may start in any order; changing an existing stream is an operator's
/// act, docs/fleet.md).
/// </summary>
internal static class AsyncProvisioning
{
    /// <summary>How long JetStream remembers a call id to drop a second submission of it.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(2);

    /// <summary>The bucket of the per-function in-flight leases of the fleet.</summary>
    public static string LimitsBucket(FleetSubjects subjects) => $"FNP_{subjects.Fleet}_LIMITS";

    public static async Task<AsyncStores> EnsureAsync(
        INatsJSContext js, FleetSubjects subjects, FleetAsyncOptions options, CancellationToken cancellationToken)
    {
        await EnsureStreamAsync(js, subjects, options, cancellationToken).ConfigureAwait(false);
        var consumer = await EnsureConsumerAsync(js, subjects, options, cancellationToken).ConfigureAwait(false);
        var kv = new NatsKVContext(js);
        var results = await EnsureBucketAsync(kv, new NatsKVConfig(subjects.ResultsBucket)
        {
            Description = $"FnPipeline fleet {subjects.Fleet}: asynchronous results by call id",
            MaxAge = options.ResultRetention,
            NumberOfReplicas = options.Replicas,
            History = 1,
        }, cancellationToken).ConfigureAwait(false);

        // A lease lives as long as its holder refreshes it: the bucket's max age removes a dead node's leases.
        var limits = await EnsureBucketAsync(kv, new NatsKVConfig(LimitsBucket(subjects))
        {
            Description = $"FnPipeline fleet {subjects.Fleet}: in-flight leases of functions with a limit",
            MaxAge = options.AckWait,
            NumberOfReplicas = options.Replicas,
            History = 1,
        }, cancellationToken).ConfigureAwait(false);
        return new AsyncStores(consumer, results, limits);
    }

    private static async Task EnsureStreamAsync(INatsJSContext js, FleetSubjects subjects, FleetAsyncOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await js.GetStreamAsync(subjects.AsyncStream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }

        var config = new StreamConfig(subjects.AsyncStream, [subjects.AsyncWildcard])
        {
            Description = $"FnPipeline fleet {subjects.Fleet}: accepted asynchronous calls",
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.File,
            NumReplicas = options.Replicas,
            DuplicateWindow = DuplicateWindow,
            Discard = StreamConfigDiscard.Old,
        };
        try
        {
            await js.CreateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.ErrCode == 10058)
        {
            // Another client or node created it first (10058: stream name already in use).
        }
    }

    private static async Task<INatsJSConsumer> EnsureConsumerAsync(
        INatsJSContext js, FleetSubjects subjects, FleetAsyncOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await js.GetConsumerAsync(subjects.AsyncStream, subjects.AsyncConsumer, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }

        // Unlimited deliveries: the nodes count engine failures in the result record (a wait for an in-flight limit or
        // a dead node's redelivery is no failure of the call).
        var config = new ConsumerConfig(subjects.AsyncConsumer)
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = options.AckWait,
            MaxDeliver = -1,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            NumReplicas = options.Replicas,
        };
        return await js.CreateOrUpdateConsumerAsync(subjects.AsyncStream, config, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<INatsKVStore> EnsureBucketAsync(NatsKVContext kv, NatsKVConfig config, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadFromTheLeaderAsync(kv, await kv.GetStoreAsync(config.Bucket, cancellationToken).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (NatsKVException)
        {
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }

        return await ReadFromTheLeaderAsync(kv, await kv.CreateStoreAsync(config, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// A bucket's reads go to its stream's leader: JetStream creates buckets with direct gets, which any replica answers,
    /// so a result read right after the node stored it (its callback, a client's fetch) could come from a replica that
    /// has not applied the write yet and read "pending". Turning direct gets off makes a read see every acknowledged write.
    /// </summary>
    private static async Task<INatsKVStore> ReadFromTheLeaderAsync(NatsKVContext kv, INatsKVStore store, CancellationToken cancellationToken)
    {
        var stream = await kv.JetStreamContext.GetStreamAsync($"KV_{store.Bucket}", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!stream.Info.Config.AllowDirect)
        {
            return store;
        }

        await kv.JetStreamContext.UpdateStreamAsync(stream.Info.Config with { AllowDirect = false }, cancellationToken).ConfigureAwait(false);
        return await kv.GetStoreAsync(store.Bucket, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The consumer and buckets of a fleet's asynchronous calls.</summary>
internal sealed record AsyncStores(INatsJSConsumer Consumer, INatsKVStore Results, INatsKVStore Limits);
