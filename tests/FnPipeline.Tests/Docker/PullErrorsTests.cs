using System.Net;
using FnPipeline.Docker;

namespace FnPipeline.Tests.Docker;

public sealed class PullErrorsTests
{
    private const string Image = "127.0.0.1:5000/fnpipeline/busybox:latest";

    // Messages as the engine (dockerd 20.10.24) answered them on this machine.
    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "unauthorized: authentication required", FnErrorKind.ImageUnauthorized, 401)]
    [InlineData(HttpStatusCode.InternalServerError, "Head \"http://127.0.0.1:5000/v2/fnpipeline/busybox/manifests/latest\": no basic auth credentials", FnErrorKind.ImageUnauthorized, 401)]
    [InlineData(HttpStatusCode.NotFound, "manifest for 127.0.0.1:5000/fnpipeline/busybox:nope not found: manifest unknown: manifest unknown", FnErrorKind.ImageNotFound, 404)]
    [InlineData(HttpStatusCode.InternalServerError, "Get \"http://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused", FnErrorKind.ImagePullFailed, 502)]
    [InlineData(HttpStatusCode.InternalServerError, "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host", FnErrorKind.ImagePullFailed, 502)]
    [InlineData(HttpStatusCode.Forbidden, "something forbidden", FnErrorKind.ImagePullFailed, 403)]
    [InlineData(HttpStatusCode.Unauthorized, "who are you", FnErrorKind.ImageUnauthorized, 401)]
    [InlineData(HttpStatusCode.InternalServerError, "manifest unknown", FnErrorKind.ImageNotFound, 404)]
    public void FromEngine_MapsStatusAndMessage(HttpStatusCode status, string message, FnErrorKind kind, int code)
    {
        var error = PullErrors.FromEngine(Image, status, message);

        error.ShouldBe(new FnError(kind, code, $"Failed to pull image '{Image}': {message}"));
    }

    [Fact]
    public void FromEngine_InStreamErrorWithoutStatus_UsesTheMessage()
    {
        PullErrors.FromEngine(Image, null, "unauthorized: authentication required").Kind.ShouldBe(FnErrorKind.ImageUnauthorized);
        PullErrors.FromEngine(Image, null, "filesystem layer verification failed").StatusCode.ShouldBe(502);
    }

    [Fact]
    public void Timeout_Is504NamingTheImage() =>
        PullErrors.Timeout(Image).ShouldBe(new FnError(FnErrorKind.ImagePullTimeout, 504, $"Image pull timed out: '{Image}'"));
}
