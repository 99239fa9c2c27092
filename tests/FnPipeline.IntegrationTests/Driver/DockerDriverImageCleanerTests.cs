using FnPipeline.Docker;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Driver.DockerDriverTestKit;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>The image cleaner removing real images from the engine: least recently used first, never one in use or exempt.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class DockerDriverImageCleanerTests(EngineFixture engine)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task OverTheLimit_TheOldestIdleImageIsRemoved_NotOneInUse_NorAnExemptOne()
    {
        string[] images = [await DerivedImage.UniqueAsync(engine.Client), await DerivedImage.UniqueAsync(engine.Client),
            await DerivedImage.UniqueAsync(engine.Client), await DerivedImage.UniqueAsync(engine.Client)];
        var (exempt, inUse, oldest, newest) = (images[0], images[1], images[2], images[3]);
        try
        {
            // Room for two of these images, not three.
            var size = (await engine.Client.Images.InspectImageAsync(inUse)).Size;
            var limitMB = (long)Math.Floor(2.5 * size / MiB);
            (2 * size <= limitMB * MiB && 3 * size > limitMB * MiB).ShouldBeTrue($"images of {size} bytes do not fit the test's arithmetic");
            await using var driver = CreateDriver(engine, o =>
            {
                o.ImageCleanMaxSizeMB = limitMB;
                o.ImageCleanExemptTags.Add(exempt);
            });

            await RunAsync(driver, exempt);
            await driver.EnsureImageAsync(inUse, credentials: null);
            await using (var held = await driver.CreateContainerAsync(Spec(inUse, "true")))
            {
                await RunAsync(driver, oldest);
                await RunAsync(driver, newest);
                await driver.Cleaner!.Eviction;

                (await ExistsAsync(oldest)).ShouldBeFalse("the oldest idle image goes once three are known");
                (await ExistsAsync(inUse)).ShouldBeTrue("a container of this executor uses it");
                (await ExistsAsync(newest)).ShouldBeTrue();
                (await ExistsAsync(exempt)).ShouldBeTrue("its tag is exempt");
            }

            await driver.Cleaner.Eviction;
            (await ExistsAsync(inUse)).ShouldBeTrue("back to two known images: under the limit");
            driver.Cleaner.TotalBytes.ShouldBe(2 * size);
        }
        finally
        {
            foreach (var image in images)
            {
                await Images.RemoveIfPresentAsync(engine.Client, image);
            }
        }
    }

    private static async Task RunAsync(DockerContainerDriver driver, string image)
    {
        await driver.EnsureImageAsync(image, credentials: null);
        var (exit, _) = await DockerDriverTestKit.RunAsync(driver, Spec(image, "true"), Io(null));
        exit.ExitCode.ShouldBe(0);
    }

    private Task<bool> ExistsAsync(string image) => Images.ExistsAsync(engine.Client, image);
}
