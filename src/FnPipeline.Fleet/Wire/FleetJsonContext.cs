using System.Text.Json.Serialization;

namespace FnPipeline.Fleet.Wire;

/// <summary>Source-generated JSON for every document the fleet puts on NATS (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(CallSpec))]
[JsonSerializable(typeof(CallOutcome))]
[JsonSerializable(typeof(FnPipeline.Fleet.Async.AsyncRecord))]
[JsonSerializable(typeof(NodeAnnouncement))]
internal sealed partial class FleetJsonContext : JsonSerializerContext;
