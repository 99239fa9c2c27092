namespace FnPipeline.IntegrationTests.Infrastructure;

/// <summary>All tests that use the engine share one <see cref="DockerEngineFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollectionDefinition : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "Docker";
}
