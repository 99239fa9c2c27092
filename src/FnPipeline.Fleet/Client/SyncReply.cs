using NATS.Client.Core;

namespace FnPipeline.Fleet.Client;

/// <summary>One message on a call's reply subject, as the client's inbox reader hands it to the waiting call.</summary>
internal readonly record struct SyncReply(string? Kind, string? NodeId, bool NoResponders, NatsMemoryOwner<byte> Payload);
