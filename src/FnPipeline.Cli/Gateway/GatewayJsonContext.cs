using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// The error body of every gateway error, as Fn's server wrote it; a failed call's adds the tail of its stderr
/// (<see cref="GatewaySettings.ErrorStderrBytes"/>).
/// </summary>
internal sealed record ErrorBody(string Message, string? Stderr = null);

/// <summary>The health body.</summary>
internal sealed record HealthBody(string Status, string Engine, string Instance, int Functions, string? Message = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(HealthBody))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext
{
    /// <summary>Messages keep their quotes and non-ASCII letters as written (the body is UTF-8 JSON, never HTML).</summary>
    public static GatewayJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
