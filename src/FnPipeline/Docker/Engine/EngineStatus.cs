namespace FnPipeline.Docker.Engine;

/// <summary>What is wrong with the engine, in words for a person: the problem and what to do about it.</summary>
internal enum EngineProblemKind
{
    /// <summary>The engine settings are wrong (address, context, TLS files): nothing was dialled.</summary>
    Misconfigured,

    /// <summary>The address names a socket that does not exist.</summary>
    NoSocket,

    /// <summary>This user may not use the socket.</summary>
    PermissionDenied,

    /// <summary>Nothing answers at the address (refused, unreachable).</summary>
    Unreachable,

    /// <summary>Something answered but not in time.</summary>
    Timeout,

    /// <summary>The TLS handshake failed (certificates, or no TLS on that port).</summary>
    TlsFailed,

    /// <summary>The engine speaks TLS and was sent plain HTTP.</summary>
    NeedsTls,

    /// <summary>The engine answered with an error.</summary>
    EngineError,

    /// <summary>The engine is older than the version gate allows.</summary>
    TooOld,
}

/// <summary>A problem with the engine: its kind, what happened (naming the engine) and the fix.</summary>
internal sealed record EngineProblem(EngineProblemKind Kind, string Message, string Fix, Exception? Cause = null);

/// <summary>
/// The result of one <see cref="EngineProbe"/>: the engine (<see cref="Endpoint"/>), what it said about itself when it
/// answered, and the <see cref="Problem"/> (<c>null</c> when it answered and passed the version gate).
/// </summary>
internal sealed record EngineStatus(EngineEndpoint Endpoint, EngineProblem? Problem, EngineIdentity? Identity = null)
{
    public bool IsHealthy => Problem is null;

    /// <summary>
    /// Throws when there is a problem: an <see cref="FnEngineException"/> whose message names the endpoint, the operation
    /// (ping, or the version check), the problem and the fix, with the engine's own failure as the inner exception.
    /// </summary>
    public void ThrowIfUnhealthy()
    {
        if (Problem is { } problem)
        {
            // Formatted as every engine failure is (EngineCalls): "Engine <endpoint>: <operation> failed: <detail>".
            var operation = problem.Kind == EngineProblemKind.TooOld ? "version check" : "ping";
            throw new FnEngineException($"Engine {Endpoint.Address}: {operation} failed: {problem.Message}. Fix: {problem.Fix}", problem.Cause);
        }
    }

    /// <summary>One line: the engine and what it is, or the problem.</summary>
    public string Describe() => Problem is { } problem ? problem.Message
        : $"{Endpoint} answers: {Identity}";
}

/// <summary>What the engine says it is: product (Docker, Podman), product version, API version, platform.</summary>
internal sealed record EngineIdentity(string Product, string ProductVersion, string ApiVersion, string Platform)
{
    public bool IsPodman => Product == EngineProducts.Podman;

    public override string ToString() => $"{Product} {ProductVersion}, API {ApiVersion} ({Platform})";
}

/// <summary>Names of the engines that the probe tells apart.</summary>
internal static class EngineProducts
{
    public const string Docker = "Docker";
    public const string Podman = "Podman";
}
