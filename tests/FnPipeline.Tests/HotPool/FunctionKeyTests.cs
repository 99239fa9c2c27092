using FnPipeline.HotPool;

namespace FnPipeline.Tests.HotPool;

public sealed class FunctionKeyTests
{
    private static readonly FnPipelineOptions Options = new();
    private static readonly CallDefaults Defaults = CallDefaults.From(Options);

    private static FunctionCall CreateSut() => new()
    {
        Image = "fn/a:1",
        Format = FunctionFormat.HttpStream,
        Environment = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" },
        AppId = "app",
        FunctionId = "fn",
    };

    [Fact]
    public void Compute_SameCall_SameKey() =>
        Key(CreateSut()).ShouldBe(Key(CreateSut()));

    [Fact]
    public void Compute_EnvironmentInAnotherOrder_SameKey()
    {
        var reordered = CreateSut() with { Environment = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" } };

        Key(reordered).ShouldBe(Key(CreateSut()));
    }

    [Fact]
    public void Compute_DefaultsSpelledOut_SameKey()
    {
        var explicitDefaults = CreateSut() with
        {
            MemoryMB = Options.DefaultMemoryMB,
            IdleTimeout = Options.Hot.IdleTimeout,
            ReadOnlyRootFs = Options.ReadOnlyRootFs,
            Init = Options.EnableInit,
        };

        Key(explicitDefaults).ShouldBe(Key(CreateSut()));
    }

    [Fact]
    public void Compute_PerCallSettings_DoNotSplitThePool()
    {
        var perCall = CreateSut() with
        {
            Timeout = TimeSpan.FromSeconds(3),
            Input = CallInput.FromString("other"),
            Headers = [new("X", "y")],
            MaxOutputBytes = 10,
            CallId = "c",
        };

        Key(perCall).ShouldBe(Key(CreateSut()));
    }

    public static TheoryData<string, Func<FunctionCall, FunctionCall>> Changes() => new()
    {
        { "image", c => c with { Image = "fn/a:2" } },
        { "command", c => c with { Command = ["/x"] } },
        { "env value", c => c with { Environment = new Dictionary<string, string> { ["A"] = "1", ["B"] = "3" } } },
        { "env key", c => c with { Environment = new Dictionary<string, string> { ["A"] = "1", ["C"] = "2" } } },
        { "env split", c => c with { Environment = new Dictionary<string, string> { ["A"] = "12", ["B"] = "" } } },
        { "memory", c => c with { MemoryMB = 256 } },
        { "cpus", c => c with { MilliCpus = 500 } },
        { "tmpfs", c => c with { TmpFsMB = 10 } },
        { "fs size", c => c with { FsSizeMB = 10 } },
        { "workdir", c => c with { WorkingDirectory = "/w" } },
        { "volume", c => c with { Volumes = [new VolumeMount("/h", "/c")] } },
        { "label", c => c with { Labels = new Dictionary<string, string> { ["l"] = "v" } } },
        { "read-only", c => c with { ReadOnlyRootFs = false } },
        { "init", c => c with { Init = false } },
        { "log driver", c => c with { LogDriver = new LogDriverOptions("json-file") } },
        { "network", c => c with { Network = "bridge" } },
        { "app id", c => c with { AppId = "other" } },
        { "app name", c => c with { AppName = "other" } },
        { "fn id", c => c with { FunctionId = "other" } },
        { "fn name", c => c with { FunctionName = "other" } },
        { "idle timeout", c => c with { IdleTimeout = TimeSpan.FromSeconds(5) } },
        { "credentials", c => c with { RegistryCredentials = new RegistryCredentials("u", "p") } },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Compute_ContainerShapingChange_ChangesTheKey(string what, Func<FunctionCall, FunctionCall> change)
    {
        var changed = change(CreateSut());

        Key(changed).ShouldNotBe(Key(CreateSut()), what);
    }

    private static FunctionKey Key(FunctionCall call) => FunctionKey.Compute(Defaults.Resolve(call, "call"));

    [Fact]
    public void ToString_IsTwelveHexDigits() =>
        Key(CreateSut()).ToString().ShouldMatch("^[0-9a-f]{12}$");
}
