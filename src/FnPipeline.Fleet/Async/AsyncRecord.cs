using System.Buffers;
using FnPipeline.Fleet.Wire;

namespace FnPipeline.Fleet.Async;

/// <summary>
/// What the results bucket holds under a call id: a frame whose head is this document and whose body is the output.
/// <c>pending</c> from the submission (the engine failures so far counted in it) until a node stores the outcome
/// (<c>done</c>); a done record is never replaced.
/// </summary>
internal sealed record AsyncRecord
{
    public const string PendingState = "pending";
    public const string DoneState = "done";

    public required string State { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>Runs that ended in an engine failure (or, when asked, a function failure) and were retried.</summary>
    public int FailedRuns { get; init; }

    /// <summary>The last retried failure, for a caller who polls a pending call.</summary>
    public string? LastError { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }
    public CallOutcome? Outcome { get; init; }

    public bool IsDone => State == DoneState;

    public static AsyncRecord Pending(DateTimeOffset submittedAt) => new() { State = PendingState, SubmittedAt = submittedAt };

    public byte[] ToBytes(ReadOnlySpan<byte> body)
    {
        var writer = new ArrayBufferWriter<byte>(256 + body.Length);
        FleetFrame.Write(writer, this, FleetJsonContext.Default.AsyncRecord, body);
        return writer.WrittenSpan.ToArray();
    }

    public static (AsyncRecord Record, ReadOnlySequence<byte> Body) Parse(byte[] value) =>
        FleetFrame.Read(new ReadOnlySequence<byte>(value), FleetJsonContext.Default.AsyncRecord);
}
