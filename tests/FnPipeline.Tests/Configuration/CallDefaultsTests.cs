namespace FnPipeline.Tests.Configuration;

/// <summary>Each call resolved once against the executor's defaults (<see cref="CallDefaults.Resolve"/>).</summary>
public sealed class CallDefaultsTests
{
    private static readonly CallDefaults Defaults = new()
    {
        MemoryMB = 128,
        Timeout = TimeSpan.FromSeconds(30),
        MaxOutputBytes = 1000,
        MaxStderrBytes = 500,
        ReadOnlyRootFs = true,
        Init = true,
        IdleTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public void Resolve_CallThatSetsNothing_GetsEveryDefault()
    {
        var call = new FunctionCall { Image = "fn/a:1" };

        var resolved = Defaults.Resolve(call, "c1");

        resolved.Call.ShouldBeSameAs(call);
        resolved.CallId.ShouldBe("c1");
        resolved.MemoryMB.ShouldBe(128);
        resolved.Timeout.ShouldBe(TimeSpan.FromSeconds(30));
        resolved.MaxOutputBytes.ShouldBe(1000);
        resolved.MaxStderrBytes.ShouldBe(500);
        resolved.ReadOnlyRootFs.ShouldBeTrue();
        resolved.Init.ShouldBeTrue();
        resolved.IdleTimeout.ShouldBe(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Resolve_CallThatSetsItsOwn_KeepsThem()
    {
        var call = new FunctionCall
        {
            Image = "fn/a:1",
            MemoryMB = 64,
            Timeout = TimeSpan.FromSeconds(3),
            MaxOutputBytes = 10,
            ReadOnlyRootFs = false,
            Init = false,
            IdleTimeout = TimeSpan.FromSeconds(5),
        };

        var resolved = Defaults.Resolve(call, "c2");

        resolved.MemoryMB.ShouldBe(64);
        resolved.Timeout.ShouldBe(TimeSpan.FromSeconds(3));
        resolved.MaxOutputBytes.ShouldBe(10);
        resolved.ReadOnlyRootFs.ShouldBeFalse();
        resolved.Init.ShouldBeFalse();
        resolved.IdleTimeout.ShouldBe(TimeSpan.FromSeconds(5));
        // Stderr is the executor's limit: a call has no setting of its own.
        resolved.MaxStderrBytes.ShouldBe(500);
    }
}
