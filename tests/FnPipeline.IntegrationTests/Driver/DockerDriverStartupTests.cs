using Docker.DotNet.Models;
using FnPipeline.Docker;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Driver.DockerDriverTestKit;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>InitializeAsync: version check, orphan reaping, image load.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class DockerDriverStartupTests(DockerEngineFixture engine)
{
    [Fact]
    public async Task EngineOlderThanRequired_FailsWithFnsMessage()
    {
        var found = (await engine.Client.System.GetVersionAsync()).Version;
        await using var driver = CreateDriver(engine, o => o.MinimumDockerVersion = "99.0.0");

        var error = await Should.ThrowAsync<InvalidOperationException>(() => driver.InitializeAsync());

        error.Message.ShouldBe($"docker version is too old. Required: 99.0.0 Found: {found}");
    }

    [Fact]
    public async Task EngineNewerThanRequired_Starts()
    {
        await using var driver = CreateDriver(engine, o => o.MinimumDockerVersion = "17.10.0-ce");

        await Should.NotThrowAsync(() => driver.InitializeAsync());
    }

    [Fact]
    public async Task Reaper_RemovesContainersOfOtherInstances_AndKeepsOurs()
    {
        await using var driver = CreateDriver(engine);
        var ours = await CreateLabelledAsync(driver.InstanceId);
        var orphanStopped = await CreateLabelledAsync("dead-instance");
        var orphanRunning = await CreateLabelledAsync("dead-instance", start: true);
        try
        {
            // Scoped to this test run: other suites share the engine and their containers are not orphans.
            var reaped = await OrphanReaper.ReapAsync(engine.Client, driver.Remover, driver.InstanceId, TestRun.RunLabel);

            reaped.ShouldBe(2);
            (await ContainerExistsAsync(engine.Client, orphanStopped)).ShouldBeFalse();
            (await ContainerExistsAsync(engine.Client, orphanRunning)).ShouldBeFalse();
            (await ContainerExistsAsync(engine.Client, ours)).ShouldBeTrue();
        }
        finally
        {
            foreach (var id in new[] { ours, orphanStopped, orphanRunning })
            {
                await driver.Remover.RemoveAsync(id);
            }
        }
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

    private async Task<string> CreateLabelledAsync(string instance, bool start = false)
    {
        var labels = TestLabels();
        labels[DockerLabels.Managed] = "true";
        labels[DockerLabels.Instance] = instance;
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = TestImages.Busybox,
            Cmd = start ? ["sleep", "60"] : ["true"],
            Labels = labels,
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        if (start)
        {
            await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        }

        return created.ID;
    }
}
