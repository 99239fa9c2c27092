using System.Security.Cryptography;
using FnPipeline.Docker;
using FnPipeline.Driver;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Driver.DockerDriverTestKit;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>Create → attach → start → wait against the real engine: I/O, exit codes, limits.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class DockerDriverRunTests(EngineFixture engine) : IAsyncLifetime
{
    private DockerContainerDriver _driver = null!;

    public async Task InitializeAsync() => _driver = await StartDriverAsync(engine);

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        (await Containers.ListByLabelAsync(engine.Client, $"fnpipeline.instance={_driver.InstanceId}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Cat_SmallInput_IsEchoedOnStdout()
    {
        var stdout = new CollectingSink();

        var (exit, _) = await RunAsync(_driver, Spec(TestImages.Busybox, "cat"), Io("hello driver", stdout));

        exit.ShouldBe(new ContainerExit(0, OomKilled: false, OutputLimitExceeded: false));
        stdout.Text.ShouldBe("hello driver");
    }

    [Fact]
    public async Task Cat_TenMegabytesFromStream_EveryByteComesBack()
    {
        var input = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);
        var stdout = new CollectingSink();
        var io = new ContainerIo { Input = CallInput.FromStream(new MemoryStream(input)), Stdout = stdout, Stderr = new CollectingSink() };

        var (exit, _) = await RunAsync(_driver, Spec(TestImages.Busybox, "cat"), io);

        exit.ExitCode.ShouldBe(0);
        stdout.Received.ShouldBe(input.Length);
        SHA256.HashData(stdout.ToArray()).ShouldBe(SHA256.HashData(input));
    }

    [Fact]
    public async Task Cat_TenMegabytesFromBytes_EveryByteComesBack()
    {
        var input = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);
        var stdout = new CollectingSink();
        var io = new ContainerIo { Input = CallInput.FromBytes(input), Stdout = stdout, Stderr = new CollectingSink() };

        var (exit, _) = await RunAsync(_driver, Spec(TestImages.Busybox, "cat"), io);

        exit.ExitCode.ShouldBe(0);
        SHA256.HashData(stdout.ToArray()).ShouldBe(SHA256.HashData(input));
    }

    [Fact]
    public async Task EnvironmentAndCommand_ReachTheContainer_AndTheExitCodeComesBack()
    {
        var spec = Spec(TestImages.Busybox, "sh", "-c", "echo \"$GREETING $WHO\"; echo oops >&2; exit 7") with
        {
            Environment = [new("GREETING", "hello"), new("WHO", "world")],
        };
        var stdout = new CollectingSink();
        var stderr = new CollectingSink();

        var (exit, _) = await RunAsync(_driver, spec, Io(null, stdout, stderr));

        exit.ExitCode.ShouldBe(7);
        exit.OomKilled.ShouldBeFalse();
        stdout.Text.ShouldBe("hello world\n");
        stderr.Text.ShouldBe("oops\n");
    }

    [Fact]
    public async Task WorkingDirectory_IsApplied()
    {
        var stdout = new CollectingSink();
        var spec = Spec(TestImages.Busybox, "pwd") with { WorkingDirectory = "/tmp" };

        await RunAsync(_driver, spec, Io(null, stdout));

        stdout.Text.ShouldBe("/tmp\n");
    }

    [Fact]
    public async Task MemoryHog_Under8MB_IsOomKilled()
    {
        var spec = Spec(TestImages.TestFunction) with { Resources = new ContainerResources { MemoryBytes = 8 * 1024 * 1024 } };

        var (exit, _) = await RunAsync(_driver, spec, Io("!alloc 64"));

        exit.OomKilled.ShouldBeTrue();
        exit.ExitCode.ShouldBe(137);
    }

    [Fact]
    public async Task StdoutPastItsCap_KillsTheContainer_AndIsFlagged()
    {
        var stdout = new CollectingSink(cap: 64 * 1024);

        var (exit, _) = await RunAsync(_driver, Spec(TestImages.Busybox, "sh", "-c", "while true; do echo 0123456789abcdef; done"), Io(null, stdout));

        exit.OutputLimitExceeded.ShouldBeTrue();
        exit.ExitCode.ShouldBe(137);
        stdout.ToArray().Length.ShouldBe(64 * 1024);
    }

    [Fact]
    public async Task StartFailure_MissingExecutable_IsContainerInitFailed()
    {
        await using var handle = await _driver.CreateContainerAsync(Spec(TestImages.Busybox, "/nope"));

        var error = await Should.ThrowAsync<FnCallException>(() => handle.AttachAndStartAsync(Io(null)));

        error.Error.Kind.ShouldBe(FnErrorKind.ContainerInitFailed);
        error.Error.Message.ShouldContain("/nope");
    }

    [Fact]
    public async Task Kill_RunningContainer_ExitsWith137_AndKillingAgainIsFine()
    {
        await using var handle = await _driver.CreateContainerAsync(Spec(TestImages.Busybox, "sleep", "60"));
        var running = await handle.AttachAndStartAsync(Io(null));

        await handle.KillAsync();
        var exit = await running.WaitAsync(new CancellationTokenSource(RunTimeout).Token);
        await handle.KillAsync();

        exit.ExitCode.ShouldBe(137);
        exit.OomKilled.ShouldBeFalse();
    }

    [Fact]
    public async Task WaitAsync_CancelledToken_AbandonsOnlyThatWait()
    {
        await using var handle = await _driver.CreateContainerAsync(Spec(TestImages.Busybox, "sh", "-c", "sleep 1; exit 4"));
        var running = await handle.AttachAndStartAsync(Io(null));
        using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Should.ThrowAsync<OperationCanceledException>(() => running.WaitAsync(cancelled.Token));
        var exit = await running.WaitAsync(new CancellationTokenSource(RunTimeout).Token);

        exit.ExitCode.ShouldBe(4);
    }

    [Fact]
    public async Task FastExit_BeforeTheWaitIsRegistered_StillReportsTheRealCode()
    {
        var (exit, _) = await RunAsync(_driver, Spec(TestImages.Busybox, "sh", "-c", "exit 9"), Io(null));

        exit.ExitCode.ShouldBe(9);
    }

    [Fact]
    public async Task PauseAndUnpause_FreezeAndThawTheContainer()
    {
        await using var handle = await _driver.CreateContainerAsync(Spec(TestImages.Busybox, "sleep", "60"));
        await handle.AttachAndStartAsync(Io(null));

        await handle.PauseAsync();
        (await InspectAsync(engine.Client, handle.Id)).State!.Paused.ShouldBeTrue();
        await handle.UnpauseAsync();

        (await InspectAsync(engine.Client, handle.Id)).State!.Paused.ShouldBeFalse();
    }

    [Fact]
    public async Task Stats_ForARunOfAboutFiveSeconds_AreCollected()
    {
        // The engine sends a sample a second once its stream is open; five seconds leave room on a loaded machine.
        var spec = Spec(TestImages.Busybox, "sleep", "5") with { Resources = new ContainerResources { MemoryBytes = 64 * 1024 * 1024 } };
        await using var handle = await _driver.CreateContainerAsync(spec);
        var running = await handle.AttachAndStartAsync(Io(null));

        await running.WaitAsync(new CancellationTokenSource(RunTimeout).Token);

        running.Stats.Count.ShouldBeGreaterThanOrEqualTo(2);
        running.Stats.ShouldAllBe(s => s.Timestamp.Year > 2000 && s.MemoryLimitBytes == 64UL * 1024 * 1024 && s.MemoryUsageBytes > 0);
        running.Stats.Select(s => s.Timestamp).ShouldBeInOrder();
    }

    [Theory]
    [InlineData(30_000)]
    [InlineData(-1)]
    public async Task Stats_DelayedPastTheRun_OrNever_AreNotCollected(int delayMs)
    {
        await using var driver = CreateDriver(engine, o => o.StatsDelay = TimeSpan.FromMilliseconds(delayMs));
        await using var handle = await driver.CreateContainerAsync(Spec(TestImages.Busybox, "sleep", "3"));
        var running = await handle.AttachAndStartAsync(Io(null));

        var exit = await running.WaitAsync(new CancellationTokenSource(RunTimeout).Token);

        exit.ExitCode.ShouldBe(0);
        running.Stats.ShouldBeEmpty();
    }

    [Fact]
    public async Task Stats_OfABusyLoop_ShowCpuUse()
    {
        // Init: busybox timeout execs the program in its own pid, which as PID 1 would ignore the SIGTERM.
        var spec = Spec(TestImages.Busybox, "timeout", "3", "sh", "-c", "while :; do :; done") with { Init = true };
        await using var handle = await _driver.CreateContainerAsync(spec);
        var running = await handle.AttachAndStartAsync(Io(null));

        await running.WaitAsync(new CancellationTokenSource(RunTimeout).Token);

        running.Stats.Max(s => s.CpuTotalPercent).ShouldBeGreaterThan(10);
        // User and kernel time come in 10 ms ticks, each up to one tick off in a ~1 s sample (a point each); total is
        // in nanoseconds. Seen: user 101.01 + kernel 1.01 against total 100.82.
        running.Stats.ShouldAllBe(s => s.CpuUserPercent + s.CpuKernelPercent <= s.CpuTotalPercent + 3);
    }
}
