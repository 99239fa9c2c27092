using FnPipeline.Protocol;

namespace FnPipeline.Tests.Protocol;

public sealed class HttpGatewayMappingTests
{
    [Fact]
    public void WrapRequest_WrapsEveryEndToEndHeaderExceptContentType()
    {
        KeyValuePair<string, string>[] headers =
        [
            new("Content-Type", "application/json"),
            new("X-Custom", "1"),
            new("Accept", "*/*"),
            new("Connection", "keep-alive, X-Secret"),
            new("X-Secret", "s"),
            new("Host", "example.com"),
            new("Content-Length", "12"),
            new("Transfer-Encoding", "chunked"),
        ];

        var wrapped = HttpGatewayMapping.WrapRequest("PUT", "http://example.com/t/app/path?q=1", headers);

        wrapped.ShouldBe(
        [
            new("Content-Type", "application/json"),
            new("Fn-Http-H-X-Custom", "1"),
            new("Fn-Http-H-Accept", "*/*"),
            new("Fn-Http-Method", "PUT"),
            new("Fn-Http-Request-Url", "http://example.com/t/app/path?q=1"),
            new("Fn-Intent", "httprequest"),
        ]);
    }

    [Theory]
    [InlineData(200, "201", 201)]
    [InlineData(200, null, 200)]
    [InlineData(200, "abc", 200)]
    [InlineData(200, "0", 200)]
    [InlineData(200, "-5", 200)]
    [InlineData(502, "200", 502)]
    [InlineData(504, "201", 504)]
    public void UnwrapResponse_Status_FollowsFn(int serviceStatus, string? fnHttpStatus, int expected)
    {
        var headers = fnHttpStatus is null ? [] : new[] { new KeyValuePair<string, string>("Fn-Http-Status", fnHttpStatus) };

        HttpGatewayMapping.UnwrapResponse(serviceStatus, headers).StatusCode.ShouldBe(expected);
    }

    [Fact]
    public void UnwrapResponse_Headers_KeepsOnlyWrappedContentTypeAndCallId()
    {
        KeyValuePair<string, string>[] headers =
        [
            new("Fn-Http-H-X-Foo", "bar"),
            new("fn-http-h-Cache-Control", "no-cache"),
            new("Fn-Http-H-", "empty name"),
            new("Content-Type", "text/html"),
            new("Fn-Call-Id", "c1"),
            new("Fn-Fdk-Version", "fdk-node/0.0.76"),
            new("X-Plain", "dropped"),
            new("Fn-Http-Status", "202"),
        ];

        var response = HttpGatewayMapping.UnwrapResponse(200, headers);

        response.StatusCode.ShouldBe(202);
        response.Headers.ShouldBe(
        [
            new("X-Foo", "bar"),
            new("Cache-Control", "no-cache"),
            new("Content-Type", "text/html"),
            new("Fn-Call-Id", "c1"),
        ]);
    }
}
