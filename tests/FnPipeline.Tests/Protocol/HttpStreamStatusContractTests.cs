using FnPipeline.Protocol;

namespace FnPipeline.Tests.Protocol;

public sealed class HttpStreamStatusContractTests
{
    [Theory]
    [InlineData(200, ResponseBodyState.Complete, InvocationStatus.Success, null, true)]
    [InlineData(200, ResponseBodyState.TooLargeDrained, InvocationStatus.Error, FnErrorKind.OutputTooLarge, true)]
    [InlineData(200, ResponseBodyState.TooLargeNotDrained, InvocationStatus.Error, FnErrorKind.OutputTooLarge, false)]
    [InlineData(502, ResponseBodyState.Complete, InvocationStatus.Error, FnErrorKind.FunctionFailed, true)]
    [InlineData(504, ResponseBodyState.Complete, InvocationStatus.Timeout, FnErrorKind.Timeout, true)]
    [InlineData(500, ResponseBodyState.Complete, InvocationStatus.Error, FnErrorKind.InvalidFunctionResponse, false)]
    [InlineData(400, ResponseBodyState.Complete, InvocationStatus.Error, FnErrorKind.InvalidFunctionResponse, false)]
    [InlineData(204, ResponseBodyState.Complete, InvocationStatus.Error, FnErrorKind.InvalidFunctionResponse, false)]
    internal void Map_FollowsTheFdkContract(int status, ResponseBodyState body, InvocationStatus expected, FnErrorKind? kind, bool keep)
    {
        var response = new HttpStreamResponse(status, [], null, body);

        var (mapped, error, keepContainer) = HttpStreamStatusContract.Map(response, 100);

        mapped.ShouldBe(expected);
        error?.Kind.ShouldBe(kind!.Value);
        (error is null).ShouldBe(kind is null);
        keepContainer.ShouldBe(keep);
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(502, true)]
    [InlineData(504, true)]
    [InlineData(500, false)]
    public void ReadsBody_OnlyForContractStatuses(int status, bool reads) => HttpStreamStatusContract.ReadsBody(status).ShouldBe(reads);
}
