using System.Buffers;
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
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

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
        // Into a per-thread buffer: the document is hashed, never kept.
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(1024);
        scratch.ResetWrittenCount();
        var json = t_json ??= new Utf8JsonWriter(scratch);
        json.Reset(scratch);
        JsonSerializer.Serialize(json, shape, FleetJsonContext.Default.CallSpec);
        json.Flush();
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(scratch.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    public static string Compute(FunctionCall call) => Compute(CallSpec.From(call));
}
