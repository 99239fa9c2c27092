namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>fnpipe's fleet commands (node, serve --nats) on the fleet of scripts/fleet-up.sh share one <see cref="FnPipeline.Testing.Fleet.FleetFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FleetCliCollectionDefinition : ICollectionFixture<FnPipeline.Testing.Fleet.FleetFixture>
{
    public const string Name = "fnpipe on the fleet";
}
