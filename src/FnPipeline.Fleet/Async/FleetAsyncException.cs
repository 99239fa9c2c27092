namespace FnPipeline.Fleet.Async;

/// <summary>
/// An asynchronous call could not be accepted: NATS cannot be reached or refused it (<see cref="FnErrorKind.FleetUnavailable"/>),
/// or the call is not one the fleet can carry (<see cref="FnErrorKind.InvalidCall"/>). The call was not accepted.
/// </summary>
public class FleetAsyncException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FleetAsyncException(FnErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Why: <see cref="FnErrorKind.FleetUnavailable"/> (503) or <see cref="FnErrorKind.InvalidCall"/> (400, 413 for a payload too large).</summary>
    public FnErrorKind Kind { get; }
}

/// <summary>The call's frame (its document and input) is larger than the NATS servers' <c>max_payload</c>.</summary>
public sealed class FleetPayloadTooLargeException : FleetAsyncException
{
    /// <summary>Creates the exception.</summary>
    public FleetPayloadTooLargeException(string image, long size, long limit)
        : base(FnErrorKind.InvalidCall,
            $"The asynchronous call of image '{image}' is {size:N0} bytes on the wire (its input and document), over the NATS servers' max_payload of {limit:N0} bytes. Send a smaller input, or raise max_payload on every server of the cluster.")
    {
        Image = image;
        Size = size;
        Limit = limit;
    }

    /// <summary>The call's image.</summary>
    public string Image { get; }

    /// <summary>The frame's size in bytes.</summary>
    public long Size { get; }

    /// <summary>The servers' max_payload in bytes.</summary>
    public long Limit { get; }
}
