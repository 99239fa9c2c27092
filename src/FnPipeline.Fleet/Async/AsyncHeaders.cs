namespace FnPipeline.Fleet.Async;

/// <summary>The NATS headers an asynchronous call message carries besides its frame (docs/fleet.md).</summary>
internal static class AsyncHeaders
{
    /// <summary>The call id (also the message id JetStream deduplicates on).</summary>
    public const string CallId = "Fnp-Call";

    /// <summary>The callback URL.</summary>
    public const string Callback = "Fnp-Callback";

    /// <summary><c>true</c>: retry the function's own failures too.</summary>
    public const string RetryFunctionFailures = "Fnp-Retry-Function-Failures";

    /// <summary>The function's fleet-wide in-flight limit (a positive integer).</summary>
    public const string MaxInFlight = "Fnp-Max-In-Flight";
}
