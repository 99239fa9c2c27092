using FnPipeline.Testing.Fleet;

namespace FnPipeline.Fleet.Tests.Async;

/// <summary>
/// Tests of asynchronous calls share the fleet of scripts/fleet-up.sh (<see cref="FleetFixture"/>: the 3-server NATS
/// cluster, the node engines, the leak check on every node engine); each test is a fleet of its own name.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AsyncCallsCollectionDefinition : ICollectionFixture<FleetFixture>
{
    public const string Name = "AsyncCalls";
}
