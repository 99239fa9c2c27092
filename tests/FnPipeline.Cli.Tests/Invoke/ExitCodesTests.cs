using FnPipeline.Cli.Invoke;

namespace FnPipeline.Cli.Tests.Invoke;

/// <summary>The documented mapping from a failed call's error kind to fnpipe's exit code (docs/cli.md).</summary>
public sealed class ExitCodesTests
{
    [Theory]
    [InlineData(FnErrorKind.ContainerExit, 1)]
    [InlineData(FnErrorKind.FunctionFailed, 1)]
    [InlineData(FnErrorKind.InvalidFunctionResponse, 1)]
    [InlineData(FnErrorKind.OutputTooLarge, 1)]
    [InlineData(FnErrorKind.ContainerInitFailed, 1)]
    [InlineData(FnErrorKind.InvalidCall, 2)]
    [InlineData(FnErrorKind.UnsupportedOption, 2)]
    [InlineData(FnErrorKind.Timeout, 3)]
    [InlineData(FnErrorKind.StartTimeout, 3)]
    [InlineData(FnErrorKind.ContainerInitTimeout, 3)]
    [InlineData(FnErrorKind.OutOfMemory, 4)]
    [InlineData(FnErrorKind.ImageNotFound, 5)]
    [InlineData(FnErrorKind.ImageUnauthorized, 5)]
    [InlineData(FnErrorKind.ImagePullFailed, 5)]
    [InlineData(FnErrorKind.ImagePullTimeout, 5)]
    [InlineData(FnErrorKind.EngineError, 6)]
    [InlineData(FnErrorKind.TooBusy, 6)]
    [InlineData(FnErrorKind.ShuttingDown, 6)]
    [InlineData(FnErrorKind.NodeLost, 6)]
    [InlineData(FnErrorKind.FleetUnavailable, 6)]
    [InlineData(FnErrorKind.Cancelled, 130)]
    public void For_ErrorKind_IsTheDocumentedCode(FnErrorKind kind, int expected) => ExitCodes.For(kind).ShouldBe(expected);

    [Fact]
    public void EveryErrorKind_HasACodeOtherThanSuccess() =>
        Enum.GetValues<FnErrorKind>().ShouldAllBe(kind => ExitCodes.For(kind) != ExitCodes.Success);
}
