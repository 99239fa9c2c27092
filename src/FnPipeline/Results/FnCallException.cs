namespace FnPipeline;

/// <summary>Carries an <see cref="FnError"/> out of a stage; the executor turns it into a result.</summary>
public sealed class FnCallException : Exception
{
    /// <summary>Creates the exception for an error.</summary>
    public FnCallException(FnError error, Exception? innerException = null)
        : base(error?.Message, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The error.</summary>
    public FnError Error { get; }
}
