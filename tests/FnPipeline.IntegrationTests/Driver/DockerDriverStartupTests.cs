using Docker.DotNet.Models;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Driver.DockerDriverTestKit;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>InitializeAsync: version check, image load (orphan reaping: <see cref="OrphanReaperTests"/>).</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class DockerDriverStartupTests(EngineFixture engine)
{
    [Fact]
    public async Task EngineOlderThanRequired_FailsWithFnsMessage()
    {
        var found = (await engine.Client.System.GetVersionAsync()).Version;
        await using var driver = CreateDriver(engine, o => o.MinimumDockerVersion = "99.0.0");

        var error = await Should.ThrowAsync<FnEngineException>(() => driver.InitializeAsync());

        error.Message.ShouldStartWith($"Engine {engine.Endpoint}: version check failed: ");
        error.Message.ShouldContain($"docker version is too old. Required: 99.0.0 Found: {found}");
    }

    [Fact]
    public async Task EngineNewerThanRequired_Starts()
    {
        await using var driver = CreateDriver(engine, o => o.MinimumDockerVersion = "17.10.0-ce");

        await Should.NotThrowAsync(() => driver.InitializeAsync());
    }

    [Fact]
    public async Task ImageLoadFile_IsLoadedAtStart()
    {
        var tag = "load-" + Guid.NewGuid().ToString("N")[..12];
        var image = $"fnpipeline/driver-it-load:{tag}";
        var file = Path.Combine(Path.GetTempPath(), $"fnpl-it-{tag}.tar");
        await engine.Client.Images.TagImageAsync(TestImages.Busybox, new ImageTagParameters { RepositoryName = "fnpipeline/driver-it-load", Tag = tag });
        try
        {
            await using (var tar = await engine.Client.Images.SaveImageAsync(image))
            await using (var output = File.Create(file))
            {
                await tar.CopyToAsync(output);
            }

            await engine.Client.Images.DeleteImageAsync(image, new ImageDeleteParameters());
            await using var driver = CreateDriver(engine, o => o.ImageLoadFile = file);

            await driver.InitializeAsync();

            (await engine.Client.Images.InspectImageAsync(image)).RepoTags.ShouldContain(image);
        }
        finally
        {
            File.Delete(file);
            await Images.RemoveIfPresentAsync(engine.Client, image);
        }
    }

    [Fact]
    public async Task ImageLoadFile_Missing_FailsStartWithTheFileName()
    {
        await using var driver = CreateDriver(engine, o => o.ImageLoadFile = "/nonexistent/images.tar");

        var error = await Should.ThrowAsync<FileNotFoundException>(() => driver.InitializeAsync());

        error.Message.ShouldContain("/nonexistent/images.tar");
    }
}
