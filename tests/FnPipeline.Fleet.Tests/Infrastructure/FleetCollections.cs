using FnPipeline.Testing.Fleet;

namespace FnPipeline.Fleet.Tests.Infrastructure;

/// <summary>
/// Every fleet test on the fleet of scripts/fleet-up.sh (the 3-server NATS cluster, the 3 node engines): one collection,
/// so its fixtures' leak checks run when no other test of this suite has containers. At its end <see cref="FleetFixture"/>
/// checks the node engines and <see cref="EngineFixture"/> the main engine: no container of this run may remain on any.
/// Each test is a fleet of its own name, so tests share the servers and nothing else.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FleetCollectionDefinition : ICollectionFixture<FleetFixture>, ICollectionFixture<EngineFixture>
{
    public const string Name = "Fleet";
}

/// <summary>
/// The tests that stop servers of the shared NATS cluster: run alone, after every other collection of this suite
/// (<c>DisableParallelization</c>), while holding the fleet's use lock exclusively (no other suite's fleet fixture is
/// alive meanwhile), and restore the whole cluster before they end.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NatsOutageCollectionDefinition : ICollectionFixture<NatsOutageFixture>, ICollectionFixture<EngineFixture>
{
    public const string Name = "NatsOutage";
}

/// <summary>The fleet checked as <see cref="FleetFixture"/> checks it, and the cluster held for this collection alone.</summary>
public sealed class NatsOutageFixture : IAsyncLifetime
{
    private IDisposable? _cluster;

    public async Task InitializeAsync()
    {
        await FleetFixture.RequireFleetAsync();
        _cluster = await FleetFixture.TakeClusterAsync(TimeSpan.FromMinutes(10));
    }

    public async Task DisposeAsync()
    {
        try
        {
            // A test that failed to restore the cluster is caught here rather than by the next suite.
            await NatsCluster.UpAsync();
            await FleetFixture.RequireNoLeaksAsync();
        }
        finally
        {
            _cluster?.Dispose();
        }
    }
}
