namespace FnPipeline.IntegrationTests.Infrastructure;

/// <summary>All tests that use the engine share one <see cref="EngineFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollectionDefinition : ICollectionFixture<EngineFixture>
{
    public const string Name = "Docker";
}
