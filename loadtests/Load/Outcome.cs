namespace FnPipeline.LoadTests.Load;

/// <summary>
/// What one call came to. <see cref="Status"/> groups failures in the report: the HTTP-style status and kind of the
/// executor's error (e.g. <c>503 TooBusy</c>), an exception type, or a client-side reason.
/// </summary>
internal readonly record struct Outcome(string Step, bool Ok, string Status, string? Message = null)
{
    public const string SuccessStatus = "200 Success";

    public static Outcome Success(string step) => new(step, true, SuccessStatus);

    public static Outcome FromResult(string step, InvocationResult result) => result.Status == InvocationStatus.Success
        ? Success(step)
        : new(step, false, result.Error is { } error ? $"{error.StatusCode} {error.Kind}" : $"{result.Status}", result.Error?.Message ?? result.ToString());

    public static Outcome FromException(string step, Exception exception, bool clientTimedOut) => exception switch
    {
        OperationCanceledException when clientTimedOut => new(step, false, "client timeout", exception.Message),
        OperationCanceledException => new(step, false, "client cancelled (run stopped)", exception.Message),
        FnEngineException => new(step, false, "500 engine failure (FnEngineException)", exception.Message),
        _ => new(step, false, $"exception {exception.GetType().Name}", exception.Message),
    };
}
