using Shouldly;
using Xunit;

namespace FnPipeline.Tests.Calls;

public sealed class FunctionCallValidatorTests
{
    [Theory]
    [InlineData("busybox")]
    [InlineData("fnpipeline/testfn:latest")]
    [InlineData("127.0.0.1:5000/fnpipeline/busybox:latest")]
    [InlineData("localhost.localdomain:5000/samalba/hipache/isthisallowedeven:latest")]
    [InlineData("repo@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Validate_WellFormedImage_HasNoProblems(string image)
    {
        FunctionCallValidator.Validate(new FunctionCall { Image = image }).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPPER/case")]
    [InlineData("has space")]
    [InlineData("trailing:")]
    [InlineData("-leading")]
    public void Validate_MalformedImage_IsRejected(string image)
    {
        FunctionCallValidator.Validate(new FunctionCall { Image = image }).ShouldHaveSingleItem();
    }

    [Fact]
    public void Validate_HttpStreamVolumeOnSocketDirectory_IsRejected()
    {
        var call = new FunctionCall
        {
            Image = "fnpipeline/testfn",
            Format = FunctionFormat.HttpStream,
            Volumes = [new VolumeMount("/srv/data", "/tmp/iofs/")],
            Labels = new Dictionary<string, string> { ["fnpipeline.instance"] = "x" },
            Command = [],
            Timeout = TimeSpan.FromSeconds(-1),
        };

        FunctionCallValidator.Validate(call).ShouldBe(
        [
            "Timeout must be positive, got -00:00:01",
            "Command must be null (keep the image's CMD) or have at least one element",
            "Volume container path '/tmp/iofs/' is reserved for the function's socket directory",
            "Label 'fnpipeline.instance' is reserved: the executor sets it",
        ]);
    }

    // docs/operations.md, "Bad input and edge cases": one test per row of the validation rows.
    private static FunctionCall Call(Func<FunctionCall, FunctionCall>? change = null)
    {
        var call = new FunctionCall { Image = "fnpipeline/testfn:latest" };
        return change is null ? call : change(call);
    }

    [Fact]
    public void Validate_RepositoryNameOver255Characters_NamesTheLimit()
    {
        var name = "fnpipeline/" + new string('a', 244);
        FunctionCallValidator.Validate(Call(c => c with { Image = name + ":latest" })).ShouldBeEmpty(); // 256 with the tag: the tag does not count

        var problem = FunctionCallValidator.Validate(Call(c => c with { Image = name + "a:latest" })).ShouldHaveSingleItem();

        problem.ShouldStartWith("Image 'fnpipeline/aaaa");
        problem.ShouldEndWith("(263 characters)' has a repository name of 256 characters; Docker allows at most 255");
    }

    [Theory]
    [InlineData("repo@sha256:0123456789abcdef0123456789abcdef01234567")]
    [InlineData("repo@sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("repo@md5:0123456789abcdef0123456789abcdef")]
    public void Validate_MalformedDigest_IsRejectedWithTheDigestRule(string image)
    {
        FunctionCallValidator.Validate(Call(c => c with { Image = image })).ShouldHaveSingleItem()
            .ShouldBe($"Image '{image}' has a malformed digest: use sha256: followed by 64 lower-case hex digits (or sha384: 96, sha512: 128)");
    }

    [Theory]
    [InlineData("fnpipeline/testfn:caf\u00e9")]
    [InlineData("fnpipeline/testfn:")]
    [InlineData("fnpipeline//testfn")]
    [InlineData("fnpipeline/testfn/")]
    public void Validate_MalformedReference_ExplainsTheGrammar(string image)
    {
        FunctionCallValidator.Validate(Call(c => c with { Image = image })).ShouldHaveSingleItem()
            .ShouldBe($"Image '{image}' is not a valid image reference ([registry[:port]/]path[:tag][@digest], the path in lower case)");
    }

    [Fact]
    public void Validate_TagOver128Characters_NamesTheLimit()
    {
        FunctionCallValidator.Validate(Call(c => c with { Image = "fnpipeline/testfn:" + new string('t', 129) })).ShouldHaveSingleItem()
            .ShouldEndWith("has a tag of 129 characters; Docker allows at most 128");
    }

    [Fact]
    public void Validate_TimeoutsOverTheTimersLimit_AreRejected()
    {
        var call = Call(c => c with { Timeout = TimeSpan.FromDays(50), IdleTimeout = TimeSpan.FromDays(49.5) });

        FunctionCallValidator.Validate(call).ShouldBe(
        [
            "Timeout must be at most 49 days (the executor's timers stop at 49.7 days), got 50 days",
            "IdleTimeout must be at most 49 days (the executor's timers stop at 49.7 days), got 49.5 days",
        ]);
        FunctionCallValidator.Validate(Call(c => c with { Timeout = FunctionCallLimits.MaxTimeout })).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("1BAD")]
    [InlineData("A B")]
    [InlineData("A-B")]
    [InlineData("A=B")]
    [InlineData("")]
    [InlineData("caf\u00e9")]
    public void Validate_EnvironmentNameThatIsNotAPosixName_IsRejected(string name)
    {
        var call = Call(c => c with { Environment = new Dictionary<string, string> { [name] = "v" } });

        FunctionCallValidator.Validate(call).ShouldHaveSingleItem().ShouldBe(
            $"Environment name '{name}' is not a valid name: use letters, digits and '_', not starting with a digit (a POSIX name, as shells and FDKs read it)");
    }

    [Fact]
    public void Validate_PosixEnvironmentNames_HaveNoProblems()
    {
        var call = Call(c => c with { Environment = new Dictionary<string, string> { ["_X"] = "", ["lower_1"] = "v", ["A9"] = "=" } });

        FunctionCallValidator.Validate(call).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_EnvironmentEntryOverMaxArgStrlen_NamesTheLimit()
    {
        // NAME=value is counted in UTF-8 bytes: "BIG=" plus the value must stay within 131,071.
        var fits = Call(c => c with { Environment = new Dictionary<string, string> { ["BIG"] = new string('x', 131_067) } });
        var over = Call(c => c with { Environment = new Dictionary<string, string> { ["BIG"] = new string('\u00e9', 65_534) } });

        FunctionCallValidator.Validate(fits).ShouldBeEmpty();
        FunctionCallValidator.Validate(over).ShouldHaveSingleItem().ShouldBe(
            "Environment value of 'BIG' is too long: NAME=value takes 131,072 bytes; Linux passes at most 131,071 per variable " +
            "(MAX_ARG_STRLEN, 128 KiB with its NUL)");
    }

    [Fact]
    public void Validate_CommandWordOverMaxArgStrlenOrWithNul_NamesTheWord()
    {
        var call = Call(c => c with { Command = ["/bin/sh", new string('x', 131_072), "a\0b"] });

        FunctionCallValidator.Validate(call).ShouldBe(
        [
            "Command[1] is too long: 131,072 bytes; Linux passes at most 131,071 per argument (MAX_ARG_STRLEN, 128 KiB with its NUL)",
            "Command[2] is invalid (null or contains NUL)",
        ]);
    }

    [Fact]
    public void Validate_CommandAndEnvironmentOverArgMax_AreRejectedTogether()
    {
        // Twenty variables of 120,000 bytes: each fits MAX_ARG_STRLEN, all of them do not fit ARG_MAX.
        var environment = Enumerable.Range(0, 20).ToDictionary(i => $"V{i:00}", _ => new string('x', 120_000));
        var call = Call(c => c with { Environment = environment });

        FunctionCallValidator.Validate(call).ShouldHaveSingleItem().ShouldBe(
            "Command and Environment together take 2,400,260 bytes; Linux starts a process with at most 2,097,152 " +
            "(ARG_MAX under the default 8 MiB stack)");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    public void Validate_MilliCpusBelowTheEnginesQuota_IsRejected(long milliCpus)
    {
        FunctionCallValidator.Validate(Call(c => c with { MilliCpus = milliCpus })).ShouldHaveSingleItem().ShouldBe(
            $"MilliCpus must be 0 (unlimited) or at least 10 (the engine's smallest CPU quota, 1 ms per 100 ms), got {milliCpus}");
        FunctionCallValidator.Validate(Call(c => c with { MilliCpus = 10 })).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_SizesWhoseBytesOverflow_AreRejected()
    {
        var call = Call(c => c with { MemoryMB = long.MaxValue, TmpFsMB = FunctionCallLimits.MaxSizeMB + 1, FsSizeMB = FunctionCallLimits.MaxSizeMB });

        FunctionCallValidator.Validate(call).ShouldBe(
        [
            $"MemoryMB must be at most 8796093022207 (its bytes must fit in 64 bits), got {long.MaxValue}",
            "TmpFsMB must be at most 8796093022207 (its bytes must fit in 64 bits), got 8796093022208",
        ]);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    public void Validate_CallIdThatCannotBeAContainerName_IsRejected(string callId)
    {
        FunctionCallValidator.Validate(Call(c => c with { CallId = callId })).ShouldHaveSingleItem().ShouldBe(
            $"CallId '{callId}' must be 1 to 128 letters, digits, '_', '.' or '-' (it is part of the container's name)");
        FunctionCallValidator.Validate(Call(c => c with { CallId = "01a2228927f471f4b5df536872396e7e" })).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_HeaderThatHttpCannotCarry_IsRejected()
    {
        var call = Call(c => c with
        {
            Format = FunctionFormat.HttpStream,
            Headers = [new("X-Fine", "ok: yes"), new("Bad Name", "v"), new("X-Split", "a\r\nX-Injected: 1"), new("", "v")],
        });

        FunctionCallValidator.Validate(call).ShouldBe(
        [
            "Headers[1] name 'Bad Name' is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)",
            "Headers[2] value of 'X-Split' is invalid (null, or contains CR, LF or NUL)",
            "Headers[3] name '' is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)",
        ]);
    }

    [Fact]
    public void ThrowIfInvalid_ListsEveryProblemInTheException()
    {
        var call = Call(c => c with { Timeout = TimeSpan.FromDays(60), Environment = new Dictionary<string, string> { ["1BAD"] = "v" } });

        var exception = Should.Throw<InvalidFunctionCallException>(() => FunctionCallValidator.ThrowIfInvalid(call));

        exception.Problems.Count.ShouldBe(2);
        exception.Message.ShouldBe(
            "Invalid function call for image 'fnpipeline/testfn:latest': Timeout must be at most 49 days (the executor's timers stop at 49.7 days), " +
            "got 60 days; Environment name '1BAD' is not a valid name: use letters, digits and '_', not starting with a digit (a POSIX name, as shells and FDKs read it)");
    }
}
