using System.Text;
using FnPipeline.Docker;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Driver.DockerDriverTestKit;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>EnsureImageAsync against the real local registry: credentials, errors, shared transfers.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class DockerDriverImageTests(EngineFixture engine, RegistryImageFixture registry)
    : IClassFixture<RegistryImageFixture>, IAsyncLifetime
{
    private const int PullJoinedEventId = 108;

    private static readonly RegistryCredentials Valid = new(RegistryImageFixture.User, RegistryImageFixture.Password);

    private DockerContainerDriver _driver = null!;

    public async Task InitializeAsync()
    {
        _driver = await StartDriverAsync(engine);
        await registry.ForgetAsync();
    }

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        (await Containers.ListByLabelAsync(engine.Client, $"fnpipeline.instance={_driver.InstanceId}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task PresentImage_IsNotPulled()
    {
        await _driver.EnsureImageAsync(TestImages.Busybox, credentials: null);

        _driver.PullTransfersStarted.ShouldBe(0);
    }

    [Fact]
    public async Task ImageDeclaringVolumes_IsRefusedWith400_UnlessAllowed()
    {
        var image = await DerivedImage.WithVolumesAsync(engine.Client, "/data", "/cache");
        try
        {
            var refused = await Should.ThrowAsync<FnCallException>(() => _driver.EnsureImageAsync(image, credentials: null));
            await using var allowing = await StartDriverAsync(engine, o => o.AllowImageVolumes = true);
            await allowing.EnsureImageAsync(image, credentials: null);

            refused.Error.Kind.ShouldBe(FnErrorKind.InvalidCall);
            refused.Error.StatusCode.ShouldBe(400);
            refused.Error.Message.ShouldStartWith($"Image '{image}' declares volumes (/cache, /data): refused");
        }
        finally
        {
            await Images.RemoveIfPresentAsync(engine.Client, image);
        }
    }

    [Fact]
    public async Task PulledImage_DeclaringVolumes_IsRefusedToo()
    {
        var local = await DerivedImage.WithVolumesAsync(engine.Client, "/data");
        string? remote = null;
        try
        {
            remote = await registry.PushAsync(local, "vol-" + Guid.NewGuid().ToString("N")[..12]);
            await Images.RemoveIfPresentAsync(engine.Client, remote);
            await Images.RemoveIfPresentAsync(engine.Client, local);

            var refused = await Should.ThrowAsync<FnCallException>(() => _driver.EnsureImageAsync(remote, Valid));

            _driver.PullTransfersStarted.ShouldBe(1);
            refused.Error.StatusCode.ShouldBe(400);
            refused.Error.Message.ShouldStartWith($"Image '{remote}' declares volumes (/data): refused");
        }
        finally
        {
            foreach (var image in new[] { local, remote }.OfType<string>())
            {
                await Images.RemoveIfPresentAsync(engine.Client, image);
            }
        }
    }

    [Fact]
    public async Task MissingImage_WithExplicitCredentials_IsPulled()
    {
        await _driver.EnsureImageAsync(registry.Image, Valid);

        (await registry.IsPresentAsync(registry.Image)).ShouldBeTrue();
        _driver.PullTransfersStarted.ShouldBe(1);
    }

    [Fact]
    public async Task CredentialsFromConfigJson_KeyedByIpAndPort_AreUsed()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryImageFixture.User}:{RegistryImageFixture.Password}"));
        await using var driver = CreateDriver(engine, o => o.DockerAuthJson = "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + auth + "\"}}}");

        await driver.EnsureImageAsync(registry.Image, credentials: null);

        (await registry.IsPresentAsync(registry.Image)).ShouldBeTrue();
    }

    [Fact]
    public async Task DigestReference_IsPulledByDigest()
    {
        var byDigest = $"{RegistryImageFixture.Repository}@{registry.Digest}";

        await _driver.EnsureImageAsync(byDigest, Valid);

        (await registry.IsPresentAsync(byDigest)).ShouldBeTrue();
    }

    [Fact]
    public async Task WrongPassword_IsUnauthorized401()
    {
        var error = await Should.ThrowAsync<FnCallException>(
            () => _driver.EnsureImageAsync(registry.Image, new RegistryCredentials(RegistryImageFixture.User, "wrong")));

        error.Error.Kind.ShouldBe(FnErrorKind.ImageUnauthorized);
        error.Error.StatusCode.ShouldBe(401);
        error.Error.Message.ShouldBe($"Failed to pull image '{registry.Image}': unauthorized: authentication required");
    }

    [Fact]
    public async Task NoCredentials_IsUnauthorized401()
    {
        var error = await Should.ThrowAsync<FnCallException>(() => _driver.EnsureImageAsync(registry.Image, credentials: null));

        error.Error.Kind.ShouldBe(FnErrorKind.ImageUnauthorized);
        error.Error.StatusCode.ShouldBe(401);
        error.Error.Message.ShouldContain("no basic auth credentials");
    }

    [Fact]
    public async Task MissingTag_IsNotFound404_NamingTheImage()
    {
        var image = $"{RegistryImageFixture.Repository}:no-such-tag";

        var error = await Should.ThrowAsync<FnCallException>(() => _driver.EnsureImageAsync(image, Valid));

        error.Error.Kind.ShouldBe(FnErrorKind.ImageNotFound);
        error.Error.StatusCode.ShouldBe(404);
        error.Error.Message.ShouldStartWith($"Failed to pull image '{image}': ");
        error.Error.Message.ShouldContain("manifest unknown");
    }

    [Fact]
    public async Task UnreachableRegistry_IsPullFailed502()
    {
        const string image = "127.0.0.1:5999/fnpipeline/nowhere:latest";

        var error = await Should.ThrowAsync<FnCallException>(() => _driver.EnsureImageAsync(image, credentials: null));

        error.Error.Kind.ShouldBe(FnErrorKind.ImagePullFailed);
        error.Error.StatusCode.ShouldBe(502);
        error.Error.Message.ShouldContain("connection refused");
    }

    [Fact]
    public async Task FiveConcurrentEnsures_ShareOneTransfer()
    {
        // A local pull takes ~50 ms: the first transfer's progress is held until the other four have joined it (or, if
        // the engine already finished, found the image), so that none can look, miss, and start a transfer of its own.
        using var held = new HeldPullProgress();
        var logs = new CapturingLoggerFactory();
        await using var driver = CreateDriver(engine, o => o.ImagePullProgress = held, logs);
        var ensures = Enumerable.Range(0, 5).Select(_ => driver.EnsureImageAsync(registry.Image, Valid)).ToList();

        await held.Entered.WaitAsync(RunTimeout);
        await Eventually.HoldsAsync(
            () => logs.Entries.Count(e => e.EventId == PullJoinedEventId) + ensures.Count(t => t.IsCompleted) >= 4,
            RunTimeout,
            "the other four callers joined the held transfer or found the image");

        held.Release();
        await Task.WhenAll(ensures);

        driver.PullTransfersStarted.ShouldBe(1);
        logs.Entries.Count(e => e.EventId == PullJoinedEventId).ShouldBeGreaterThan(0, "at least one caller joined the transfer");
        (await registry.IsPresentAsync(registry.Image)).ShouldBeTrue();
    }

    [Fact]
    public async Task ConcurrentEnsures_WithDifferentCredentials_AreSeparateTransfers()
    {
        // The wrong credentials go first and the right ones follow once that transfer has started: started together,
        // the right ones could finish before the wrong ones even looked, which would then find the image and not pull.
        var bad = _driver.EnsureImageAsync(registry.Image, new RegistryCredentials(RegistryImageFixture.User, "wrong"));
        await Eventually.HoldsAsync(() => _driver.PullTransfersStarted > 0 || bad.IsCompleted, TimeSpan.FromSeconds(30), "the wrong credentials' transfer started");

        var good = _driver.EnsureImageAsync(registry.Image, Valid);

        await good;
        (await Should.ThrowAsync<FnCallException>(() => bad)).Error.StatusCode.ShouldBe(401);
        _driver.PullTransfersStarted.ShouldBe(2);
    }

    [Fact]
    public async Task CorruptLayer_ReportedInsideTheProgressStream_IsPullFailed502()
    {
        var image = await CorruptRegistryImage.CreateAsync(registry.Client);

        var error = await Should.ThrowAsync<FnCallException>(() => _driver.EnsureImageAsync(image, Valid));

        error.Error.Kind.ShouldBe(FnErrorKind.ImagePullFailed);
        error.Error.StatusCode.ShouldBe(502);
        error.Error.Message.ShouldStartWith($"Failed to pull image '{image}': filesystem layer verification failed for digest sha256:");
        (await registry.IsPresentAsync(image)).ShouldBeFalse();
    }

    [Fact]
    public async Task APulledImage_RunsAContainer()
    {
        await _driver.EnsureImageAsync(registry.Image, Valid);
        var stdout = new CollectingSink();

        var (exit, _) = await RunAsync(_driver, Spec(registry.Image, "cat"), Io("from the registry", stdout));

        exit.ExitCode.ShouldBe(0);
        stdout.Text.ShouldBe("from the registry");
    }

    /// <summary>Blocks the first progress report (the transfer's reader) until <see cref="Release"/>.</summary>
    private sealed class HeldPullProgress : IProgress<ImagePullProgress>, IDisposable
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _released = new();

        public Task Entered => _entered.Task;

        public void Report(ImagePullProgress value)
        {
            _entered.TrySetResult();
            _released.Wait(RunTimeout);
        }

        public void Release() => _released.Set();

        public void Dispose() => _released.Dispose();
    }
}
