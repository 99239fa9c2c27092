using FnPipeline.Buffers;

namespace FnPipeline.Fleet.Wire;

/// <summary>
/// An <see cref="InvocationResult"/> as it crosses NATS (the reply to a synchronous call, the stored result of an
/// asynchronous one): everything but the output, which travels as the message's body (<see cref="FleetFrame"/>).
/// </summary>
internal sealed record CallOutcome
{
    public required string CallId { get; init; }
    public InvocationStatus Status { get; init; }
    public FnErrorKind? ErrorKind { get; init; }
    public int? ErrorStatusCode { get; init; }
    public string? ErrorMessage { get; init; }
    public long? ExitCode { get; init; }
    public int? FunctionStatusCode { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; init; }
    public string? Stderr { get; init; }
    public string? ContainerId { get; init; }

    /// <summary>The node that ran the call (its announced id).</summary>
    public string? NodeId { get; init; }

    /// <summary>Stage timings in milliseconds: queue, image, create, attachStart, socketWait, run.</summary>
    public double[]? TimingsMs { get; init; }

    public static CallOutcome From(InvocationResult result, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(result);
        var t = result.Timings;
        return new CallOutcome
        {
            CallId = result.CallId,
            Status = result.Status,
            ErrorKind = result.Error?.Kind,
            ErrorStatusCode = result.Error?.StatusCode,
            ErrorMessage = result.Error?.Message,
            ExitCode = result.ExitCode,
            FunctionStatusCode = result.FunctionStatusCode,
            Headers = result.Headers.Count == 0 ? null : result.Headers,
            Stderr = result.Stderr.Length == 0 ? null : result.Stderr,
            ContainerId = result.ContainerId,
            NodeId = nodeId,
            TimingsMs =
            [
                t.Queue.TotalMilliseconds, t.Image.TotalMilliseconds, t.Create.TotalMilliseconds,
                t.AttachStart.TotalMilliseconds, t.SocketWait.TotalMilliseconds, t.Run.TotalMilliseconds,
            ],
        };
    }

    /// <summary>The result the caller gets; <paramref name="output"/> is copied into a pooled buffer the result owns.</summary>
    public InvocationResult ToResult(ReadOnlySpan<byte> output)
    {
        PooledOutputBuffer? buffer = null;
        if (!output.IsEmpty)
        {
            buffer = new PooledOutputBuffer(output.Length);
            buffer.TryAppend(output);
        }

        var timings = new StageTimings();
        if (TimingsMs is { Length: >= 6 } ms)
        {
            timings.Queue = TimeSpan.FromMilliseconds(ms[0]);
            timings.Image = TimeSpan.FromMilliseconds(ms[1]);
            timings.Create = TimeSpan.FromMilliseconds(ms[2]);
            timings.AttachStart = TimeSpan.FromMilliseconds(ms[3]);
            timings.SocketWait = TimeSpan.FromMilliseconds(ms[4]);
            timings.Run = TimeSpan.FromMilliseconds(ms[5]);
        }

        var error = ErrorKind is { } kind ? new FnError(kind, ErrorStatusCode ?? 500, ErrorMessage ?? kind.ToString()) : null;
        return new InvocationResult(CallId, Status, error, buffer, timings)
        {
            ExitCode = ExitCode,
            FunctionStatusCode = FunctionStatusCode,
            Headers = Headers ?? [],
            Stderr = Stderr ?? "",
            ContainerId = ContainerId,
        };
    }
}
