using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FnPipeline.Fleet.Wire;

/// <summary>
/// The payload of every fleet message that carries a call or its result: a 4-byte big-endian length, that many bytes
/// of UTF-8 JSON (<see cref="CallSpec"/> or <see cref="CallOutcome"/>), then the body bytes as they are (the call's
/// input or output) — so bodies are never base64'd nor copied into the JSON.
/// </summary>
internal static class FleetFrame
{
    private const int LengthBytes = 4;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    /// <summary>Writes the head document then the body into <paramref name="writer"/> (a pooled writer in practice).</summary>
    public static void Write<T>(IBufferWriter<byte> writer, T head, JsonTypeInfo<T> typeInfo, ReadOnlySpan<byte> body)
    {
        WriteHead(writer, head, typeInfo);
        writer.Write(body);
    }

    /// <summary>Writes the head document; the caller writes the body after it (e.g. copied from a stream).</summary>
    public static void WriteHead<T>(IBufferWriter<byte> writer, T head, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // The head is serialized into a per-thread scratch buffer first: its length must precede it, and a span taken
        // from the destination before the JSON would be stale once the destination grows.
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(1024);
        scratch.ResetWrittenCount();
        var json = t_json ??= new Utf8JsonWriter(scratch);
        json.Reset(scratch);
        JsonSerializer.Serialize(json, head, typeInfo);
        json.Flush();

        BinaryPrimitives.WriteInt32BigEndian(writer.GetSpan(LengthBytes), scratch.WrittenCount);
        writer.Advance(LengthBytes);
        writer.Write(scratch.WrittenSpan);
    }

    /// <summary>Splits a payload into its head document and body; throws <see cref="FleetProtocolException"/> if malformed.</summary>
    public static (T Head, ReadOnlySequence<byte> Body) Read<T>(ReadOnlySequence<byte> payload, JsonTypeInfo<T> typeInfo)
    {
        if (payload.Length < LengthBytes)
        {
            throw new FleetProtocolException($"a fleet message of {payload.Length} bytes is shorter than its length prefix");
        }

        Span<byte> prefix = stackalloc byte[LengthBytes];
        payload.Slice(0, LengthBytes).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 0 || length > payload.Length - LengthBytes)
        {
            throw new FleetProtocolException($"a fleet message announces a {length}-byte head but holds {payload.Length - LengthBytes} bytes");
        }

        var headBytes = payload.Slice(LengthBytes, length);
        T? head;
        try
        {
            var reader = new Utf8JsonReader(headBytes);
            head = JsonSerializer.Deserialize(ref reader, typeInfo);
        }
        catch (JsonException e)
        {
            throw new FleetProtocolException($"a fleet message's {typeof(T).Name} is not valid JSON: {e.Message}", e);
        }

        return head is null
            ? throw new FleetProtocolException($"a fleet message's {typeof(T).Name} is null")
            : (head, payload.Slice(LengthBytes + length));
    }
}

/// <summary>A fleet message that does not follow the wire contract (docs/fleet.md).</summary>
public sealed class FleetProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FleetProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
