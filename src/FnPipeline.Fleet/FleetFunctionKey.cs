using System.Security.Cryptography;
using System.Text.Json;
using FnPipeline.Fleet.Wire;

namespace FnPipeline.Fleet;

/// <summary>
/// The fleet-wide name of a function: 16 hex digits of the SHA-256 of what shapes its container (image, format,
/// command, environment, limits, mounts, network...), not of what varies per call (input, headers, call id, timeout,
/// output cap, credentials). Clients and nodes compute it the same way, so a hot subject names one function.
/// </summary>
internal static class FleetFunctionKey
{
    public static string Compute(CallSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var shape = spec with
        {
            Headers = null,
            CallId = null,
            TimeoutSeconds = null,
            MaxOutputBytes = 0,
            RegistryCredentials = null,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(shape, FleetJsonContext.Default.CallSpec);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(json, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    public static string Compute(FunctionCall call) => Compute(CallSpec.From(call));
}
