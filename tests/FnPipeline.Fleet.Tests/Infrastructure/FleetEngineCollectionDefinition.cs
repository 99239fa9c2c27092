namespace FnPipeline.Fleet.Tests.Infrastructure;

/// <summary>Fleet tests on the real engine share one <see cref="EngineFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FleetEngineCollectionDefinition : ICollectionFixture<EngineFixture>
{
    public const string Name = "FleetEngine";
}
