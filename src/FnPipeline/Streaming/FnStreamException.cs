namespace FnPipeline;

/// <summary>
/// Thrown by a streaming call's <see cref="StreamingInvocation.Output"/> when the call failed after its output began
/// (output cap, timeout, cancellation, non-zero exit, broken connection): the bytes read so far are not the whole output.
/// <see cref="Error"/> says why; <see cref="StreamingInvocation.Completion"/> has the full result.
/// </summary>
public sealed class FnStreamException : IOException
{
    /// <summary>Creates the exception for a call that failed with <paramref name="error"/>.</summary>
    public FnStreamException(FnError error, string subject)
        : base($"The call of {subject} failed after its output began: {error?.Message}")
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>Creates the exception for an engine failure after the output began.</summary>
    public FnStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the call failed; <c>null</c> for an engine failure (see <see cref="Exception.InnerException"/>).</summary>
    public FnError? Error { get; }
}
