using FnPipeline.Buffers;

namespace FnPipeline;

/// <summary>
/// The outcome of a call. The output lives in a pooled buffer that the result owns: read it through
/// <see cref="Output"/> or <see cref="OpenOutput"/> and dispose the result when done, which returns the buffer.
/// </summary>
public sealed class InvocationResult : IDisposable
{
    private PooledOutputBuffer? _output;
    private int _disposed;

    internal InvocationResult(
        string callId,
        InvocationStatus status,
        FnError? error,
        PooledOutputBuffer? output,
        StageTimings timings)
    {
        CallId = callId;
        Status = status;
        Error = error;
        _output = output;
        Timings = timings;
    }

    /// <summary>The call's id (<c>Fn-Call-Id</c> for http-stream calls).</summary>
    public string CallId { get; }

    /// <summary>How the call ended.</summary>
    public InvocationStatus Status { get; }

    /// <summary><c>true</c> when <see cref="Status"/> is <see cref="InvocationStatus.Success"/>.</summary>
    public bool IsSuccess => Status == InvocationStatus.Success;

    /// <summary>Why the call did not succeed; <c>null</c> on success.</summary>
    public FnError? Error { get; }

    /// <summary>The container's exit code (default format), when it exited.</summary>
    public long? ExitCode { get; init; }

    /// <summary>For http-stream calls, the status the function answered with.</summary>
    public int? FunctionStatusCode { get; init; }

    /// <summary>For http-stream calls, the function's response headers (hop-by-hop headers removed).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The function's output. Valid until the result is disposed.</summary>
    public ReadOnlyMemory<byte> Output
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _output?.WrittenMemory ?? ReadOnlyMemory<byte>.Empty;
        }
    }

    /// <summary>The function's stderr, capped; a truncation marker ends it when it was cut.</summary>
    public string Stderr { get; init; } = "";

    /// <summary>Time spent per stage.</summary>
    public StageTimings Timings { get; }

    /// <summary>Resource samples collected while the container ran (about one a second).</summary>
    public IReadOnlyList<ContainerStatsSample> Stats { get; init; } = [];

    /// <summary>The id of the container that ran the call, when one was created.</summary>
    public string? ContainerId { get; init; }

    /// <summary>A read-only stream over <see cref="Output"/> without copying it.</summary>
    public Stream OpenOutput() => new ReadOnlyMemoryStream(Output);

    /// <summary>The output decoded as UTF-8 (a copy; for small outputs and tests).</summary>
    public string OutputAsString() => System.Text.Encoding.UTF8.GetString(Output.Span);

    /// <summary>Returns the pooled output buffer.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _output?.Dispose();
            _output = null;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Error is null ? $"{Status} ({CallId})" : $"{Status} ({CallId}): {Error}";
}
