using System.Buffers;
using System.IO.Pipelines;

namespace FnPipeline.Streaming;

/// <summary>
/// The output of one streaming call: a bounded pipe between the lane that reads the function's output (the cold
/// lane's output pump, the hot lane's response body read) and the caller's stream. A writer waits while the caller
/// holds <see cref="PauseBytes"/> unread, so a slow reader slows the function instead of growing a buffer; segments
/// come from the shared memory pool. The head (status, headers) is published before the first byte.
/// </summary>
#pragma warning disable CA1001 // The semaphore's wait handle is never used, so it holds nothing to dispose.
internal sealed class OutputStreamer
#pragma warning restore CA1001
{
    /// <summary>Unread bytes at which the writer waits (and half of it, at which it resumes).</summary>
    public const int PauseBytes = 256 * 1024;

    /// <summary>
    /// A response body announced at most this long is read whole, as for a buffered call: it costs no more memory than a
    /// streamed one and its result keeps its final status and timings.
    /// </summary>
    public const int SmallBodyBytes = 64 * 1024;

    private const int SegmentSize = 16 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(
        pool: MemoryPool<byte>.Shared,
        pauseWriterThreshold: PauseBytes,
        resumeWriterThreshold: PauseBytes / 2,
        minimumSegmentSize: SegmentSize,
        useSynchronizationContext: false));

    // One writer at a time: a lane's write and the completion (which may come from another thread, e.g. a timeout
    // answered while the output pump still writes) never touch the pipe together.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly TaskCompletionSource<StreamingHead> _head = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closed;

    public OutputStreamer(string subject) => Subject = subject;

    /// <summary>The function, as messages name it (image and function name).</summary>
    public string Subject { get; }

    /// <summary>Completes when the output began (status and headers known, bytes may follow).</summary>
    public Task<StreamingHead> Head => _head.Task;

    public PipeReader Reader => _pipe.Reader;

    /// <summary>Bytes handed to the reader so far.</summary>
    public long Written { get; private set; }

    /// <summary>Whether a body of this announced length is read whole (<see cref="SmallBodyBytes"/>).</summary>
    public static bool IsSmall(long? contentLength) => contentLength is <= SmallBodyBytes;

    /// <summary>Publishes the head; the first call wins.</summary>
    public void BeginOutput(int? functionStatusCode, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        _head.TrySetResult(new StreamingHead(functionStatusCode, headers));

    /// <summary>
    /// Copies a chunk into the pipe and waits while the reader is behind. Returns <c>false</c> once the output is closed
    /// (the caller stopped reading, or the call was completed); the lane then discards the rest.
    /// </summary>
    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (chunk.IsEmpty)
        {
            return Volatile.Read(ref _closed) == 0;
        }

        BeginOutput(null, []);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _closed) != 0)
            {
                return false;
            }

            var flush = await _pipe.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            Written += chunk.Length;
            return !(flush.IsCompleted || flush.IsCanceled);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Ends the output once: the reader sees the end on success, <paramref name="failure"/> otherwise. A write waiting
    /// for the reader is released first, so this never waits on a slow reader.
    /// </summary>
    public async Task CompleteAsync(Exception? failure)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _pipe.Writer.CancelPendingFlush();
        await _writeGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await _pipe.Writer.CompleteAsync(failure).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }
}

/// <summary>What a streaming call knows when its output begins.</summary>
internal readonly record struct StreamingHead(int? FunctionStatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers);
