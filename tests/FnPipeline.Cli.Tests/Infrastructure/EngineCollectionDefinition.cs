namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>Engine tests share one <see cref="EngineFixture"/> (the test kit's).</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollectionDefinition : ICollectionFixture<EngineFixture>
{
    public const string Name = "fnpipe on the engine";
}
