using System.Buffers;
using FnPipeline.Fleet.Wire;
using NATS.Client.KeyValueStore;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// The results bucket as asynchronous calls use it. Every change is create-only or compare-and-set on the key's
/// revision, so of two nodes that ran one call only the first stores its outcome ("exactly once as seen by the result
/// store"), and a done record is never replaced.
/// </summary>
internal sealed class AsyncResultStore(INatsKVStore bucket, TimeProvider time)
{
    private const int MaxConflicts = 16;

    public INatsKVStore Bucket => bucket;

    /// <summary>Writes the pending record of a call just accepted, unless a node already wrote something.</summary>
    public async Task MarkPendingAsync(string callId, CancellationToken cancellationToken)
    {
        // A node may have stored the outcome between the publish and this: create-only keeps it.
        await KvWrites.TryWriteAsync(bucket, callId, AsyncRecord.Pending(time.GetUtcNow()).ToBytes([]), 0, $"pending.{callId}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The record of <paramref name="callId"/> with its output and revision, or null when there is none.</summary>
    public async Task<StoredRecord?> GetAsync(string callId, CancellationToken cancellationToken)
    {
        var read = await KvWrites.ReadAsync(bucket, callId, cancellationToken).ConfigureAwait(false);
        if (read is not ({ } value, var revision))
        {
            return null;
        }

        var (record, body) = AsyncRecord.Parse(value);
        return new StoredRecord(record, body.ToArray(), revision);
    }

    /// <summary>Stores the outcome; false when another run's outcome is already there (it stays).</summary>
    public async Task<bool> CompleteAsync(string callId, CallOutcome outcome, ReadOnlyMemory<byte> output, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxConflicts; i++)
        {
            var current = await GetAsync(callId, cancellationToken).ConfigureAwait(false);
            if (current is { Record.IsDone: true })
            {
                return false;
            }

            var done = new AsyncRecord
            {
                State = AsyncRecord.DoneState,
                SubmittedAt = current?.Record.SubmittedAt,
                FailedRuns = current?.Record.FailedRuns ?? 0,
                LastError = current?.Record.LastError,
                CompletedAt = time.GetUtcNow(),
                Outcome = outcome,
            };
            // One message id for the call's one done transition: a second run's write is dropped as a duplicate.
            var written = await KvWrites.TryWriteAsync(bucket, callId, done.ToBytes(output.Span), current?.Revision ?? 0, $"done.{callId}", cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                return true;
            }
        }

        throw new InvalidOperationException($"the result of call {callId} kept changing under {MaxConflicts} attempts to store it");
    }

    /// <summary>Counts a failed run that will be retried; returns the runs failed so far (this one included).</summary>
    public async Task<int> RecordFailedRunAsync(string callId, string error, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxConflicts; i++)
        {
            var current = await GetAsync(callId, cancellationToken).ConfigureAwait(false);
            if (current is { Record.IsDone: true })
            {
                return current.Record.FailedRuns;
            }

            var pending = (current?.Record ?? AsyncRecord.Pending(time.GetUtcNow())) with
            {
                FailedRuns = (current?.Record.FailedRuns ?? 0) + 1,
                LastError = error,
            };
            var written = await KvWrites.TryWriteAsync(bucket, callId, pending.ToBytes([]), current?.Revision ?? 0, $"failed.{callId}.{current?.Revision ?? 0}", cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                return pending.FailedRuns;
            }
        }

        throw new InvalidOperationException($"the record of call {callId} kept changing under {MaxConflicts} attempts to count a failed run");
    }
}

/// <summary>A record as read from the bucket: the document, the output and the key's revision.</summary>
internal sealed record StoredRecord(AsyncRecord Record, byte[] Output, ulong Revision);
