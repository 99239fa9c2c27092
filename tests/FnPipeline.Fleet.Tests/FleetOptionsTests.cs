using Microsoft.Extensions.Options;

namespace FnPipeline.Fleet.Tests;

public sealed class FleetOptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        FleetOptionsValidation.Problems(new FleetOptions()).ShouldBeEmpty();
    }

    [Fact]
    public void EveryProblem_IsNamed_AtOnce()
    {
        var options = new FleetOptions
        {
            Fleet = "a.b",
            Url = "http://x:1, nats://ok:4222",
            User = "u",
            Token = "t",
            TlsCertFile = "/nonexistent/cert.pem",
        };

        var error = Should.Throw<OptionsValidationException>(() => FleetConnections.CreateOptions(options));

        error.Failures.ShouldContain(f => f.StartsWith("Fleet 'a.b' is not a fleet name", StringComparison.Ordinal));
        error.Failures.ShouldContain(f => f.StartsWith("Url 'http://x:1'", StringComparison.Ordinal));
        error.Failures.ShouldContain("User and Password go together: give both or neither");
        error.Failures.ShouldContain("give one of User/Password, Token, NKeyFile or CredsFile, not several");
        error.Failures.ShouldContain("TlsCertFile and TlsKeyFile go together: give both or neither");
        error.Failures.ShouldContain("TlsCertFile '/nonexistent/cert.pem' does not exist");
    }

    [Fact]
    public void Credentials_And_Tls_ArePassedThrough()
    {
        var opts = FleetConnections.CreateOptions(new FleetOptions { Url = "tls://127.0.0.1:4222", User = "u", Password = "p" });

        opts.AuthOpts.Username.ShouldBe("u");
        opts.AuthOpts.Password.ShouldBe("p");
        opts.TlsOpts.Mode.ShouldBe(NATS.Client.Core.TlsMode.Require);
    }

    [Fact]
    public void Subjects_AreNamespacedPerFleet()
    {
        var a = new FleetSubjects("blue");
        var b = new FleetSubjects("green");

        a.SyncAny.ShouldBe("fnp.blue.sync.any");
        a.SyncHot("0123456789abcdef").ShouldBe("fnp.blue.sync.hot.0123456789abcdef");
        a.AsyncStream.ShouldBe("FNP_blue_ASYNC");
        new FleetSubjects("my-fleet").ResultsBucket.ShouldBe("FNP_my-fleet_RESULTS");
        new FleetSubjects("my_fleet").ResultsBucket.ShouldNotBe(new FleetSubjects("my-fleet").ResultsBucket);
        a.SyncAny.ShouldNotBe(b.SyncAny);
        a.AsyncStream.ShouldNotBe(b.AsyncStream);
    }
}
