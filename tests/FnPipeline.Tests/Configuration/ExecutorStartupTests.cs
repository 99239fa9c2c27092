using System.Collections.Concurrent;
using FnPipeline.Driver;
using FnPipeline.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FnPipeline.Tests.Configuration;

/// <summary>Options validated once and without the disk; what they name on disk is checked when the executor is made.</summary>
public sealed class ExecutorStartupTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fnps-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Validate_MissingSocketDirectoryAndImageFile_PassesWithoutLookingAtTheDisk()
    {
        var options = new FnPipelineOptions { ImageLoadFile = "/nonexistent/images.tar" };
        options.Hot.SocketBaseDirectory = "/nonexistent/sockets";

        new FnPipelineOptionsValidator().Validate(null, options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Create_MissingSocketDirectory_FailsAtStartUpNamingTheOption()
    {
        var options = new FnPipelineOptions { InstanceId = "probe", ReapOrphans = false };
        options.Hot.SocketBaseDirectory = "/nonexistent/sockets";

        var ex = Should.Throw<OptionsValidationException>(() => FnExecutor.Create(options));

        ex.Failures.ShouldBe(["Hot.SocketBaseDirectory '/nonexistent/sockets' does not exist"]);
    }

    [Fact]
    public void Create_MissingImageLoadFile_FailsAtStartUpNamingTheFile()
    {
        var options = new FnPipelineOptions { InstanceId = "probe", ReapOrphans = false, ImageLoadFile = "/nonexistent/images.tar" };
        options.Hot.SocketBaseDirectory = _directory;

        var ex = Should.Throw<OptionsValidationException>(() => FnExecutor.Create(options));

        ex.Failures.ShouldBe(["ImageLoadFile '/nonexistent/images.tar' does not exist"]);
    }

    [Fact]
    public async Task AddFnPipeline_HostStartAndExecutor_ValidateTheOptionsOnce()
    {
        var counter = new CountingValidator();
        var services = new ServiceCollection();
        services.AddSingleton<IValidateOptions<FnPipelineOptions>>(counter);
        services.AddFnPipeline(o =>
        {
            o.InstanceId = "once";
            o.ReapOrphans = false;
            o.Hot.SocketBaseDirectory = _directory;
        });
        await using var provider = services.BuildServiceProvider();

        // What a host does at start (ValidateOnStart), then the executor built from the same options.
        provider.GetRequiredService<IStartupValidator>().Validate();
        var executor = provider.GetRequiredService<IFnExecutor>();

        executor.InstanceId.ShouldBe("once");
        counter.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task AddFnPipeline_InvalidOptions_TheHostStartReportsThem()
    {
        var services = new ServiceCollection();
        services.AddFnPipeline(o => o.MaxContainers = 0);
        await using var provider = services.BuildServiceProvider();

        var ex = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        ex.Failures.ShouldContain("The field MaxContainers must be between 1 and 10000.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task InvokeAsync_BlankInstanceId_TheContainersLabelIsTheExecutorsId(string configured)
    {
        var specs = new ConcurrentQueue<ContainerSpec>();
        var driver = new FakeContainerDriver { Behavior = spec => { specs.Enqueue(spec); return new FakeBehavior(); } };
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = configured }, driver, null, null, null);

        using var result = await executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn:latest", Input = CallInput.FromString("x") });

        result.Status.ShouldBe(InvocationStatus.Success);
        executor.InstanceId.ShouldMatch("^[0-9a-f]{12}$");
        var spec = specs.ShouldHaveSingleItem();
        spec.Labels[ContainerSpecFactory.InstanceLabel].ShouldBe(executor.InstanceId);
        spec.Name.ShouldBe($"fnpipeline-{executor.InstanceId}-{result.CallId}");
    }

    private sealed class CountingValidator : IValidateOptions<FnPipelineOptions>
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValidateOptionsResult Validate(string? name, FnPipelineOptions options)
        {
            Interlocked.Increment(ref _calls);
            return ValidateOptionsResult.Success;
        }
    }
}
