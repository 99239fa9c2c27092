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
}
