namespace FnPipeline.IntegrationTests.Infrastructure;

/// <summary>All tests that use the fleet of scripts/fleet-up.sh (NATS cluster, node engines) share one <see cref="FleetFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FleetCollectionDefinition : ICollectionFixture<FleetFixture>
{
    public const string Name = "Fleet";
}
