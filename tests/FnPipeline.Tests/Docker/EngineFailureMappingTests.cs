using System.Net;
using Docker.DotNet;
using FnPipeline.Docker;
using FnPipeline.Driver;

namespace FnPipeline.Tests.Docker;

/// <summary>Create and start refusals that belong to the call, with the engine's words (dockerd 20.10.24).</summary>
public sealed class EngineFailureMappingTests
{
    private static DockerApiException Engine(HttpStatusCode status, string message) => new(status, $$"""{"message":"{{message}}"}""");

    private static ContainerSpec Spec(long fsSizeMB = 0) =>
        new() { Name = "n", Image = "fnpipeline/busybox:latest", Resources = new ContainerResources { FsSizeMB = fsSizeMB } };

    [Fact]
    public void Create_StorageOptRefused_IsUnsupportedOption400()
    {
        var error = CreateFailures.Map(
            Engine(HttpStatusCode.InternalServerError, "--storage-opt is supported only for overlay over xfs with 'pquota' mount option"), Spec(10));

        error.ShouldBe(new FnError(
            FnErrorKind.UnsupportedOption,
            400,
            "filesystem size (FsSizeMB=10) is not supported by this engine: --storage-opt is supported only for overlay over xfs with 'pquota' mount option"));
    }

    [Fact]
    public void Create_ImageGone_IsTooBusy503()
    {
        var error = CreateFailures.Map(Engine(HttpStatusCode.NotFound, "No such image: fnpipeline/busybox:latest"), Spec())!;

        (error.Kind, error.StatusCode).ShouldBe((FnErrorKind.TooBusy, 503));
        error.Message.ShouldContain("fnpipeline/busybox:latest");
    }

    [Fact]
    public void Create_OtherFailure_IsAnEngineFailure() =>
        CreateFailures.Map(Engine(HttpStatusCode.Conflict, "Conflict. The container name \\\"/n\\\" is already in use"), Spec()).ShouldBeNull();

    [Fact]
    public void Start_MissingExecutable_IsContainerInitFailed502()
    {
        var error = StartFailures.Map(Engine(
            HttpStatusCode.BadRequest,
            "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \\\"/nope\\\": stat /nope: no such file or directory: unknown"))!;

        (error.Kind, error.StatusCode).ShouldBe((FnErrorKind.ContainerInitFailed, 502));
        error.Message.ShouldStartWith("Container failed to start: failed to create shim task");
    }

    [Fact]
    public void Start_LogDriverDown_IsSyslogUnavailable500()
    {
        var error = StartFailures.Map(Engine(
            HttpStatusCode.InternalServerError, "failed to initialize logging driver: dial tcp 127.0.0.1:1: connect: connection refused"))!;

        (error.Kind, error.StatusCode).ShouldBe((FnErrorKind.EngineError, 500));
        error.Message.ShouldStartWith("Syslog Unavailable: failed to initialize logging driver");
    }

    [Fact]
    public void Start_PlaceholderGone_IsTooBusy503() =>
        StartFailures.Map(Engine(HttpStatusCode.Conflict, "cannot join network of a non running container: 4238e55cb096"))!.Kind
            .ShouldBe(FnErrorKind.TooBusy);

    [Fact]
    public void Start_PlaceholderRemoved_IsTooBusy503_ButOurOwnContainerMissingIsNot()
    {
        var gone = Engine(HttpStatusCode.NotFound, "No such container: e01bc7094a36");

        StartFailures.Map(gone, "container:e01bc7094a36")!.Kind.ShouldBe(FnErrorKind.TooBusy);
        StartFailures.Map(gone, "none").ShouldBeNull();
    }

    [Fact]
    public void Start_OtherFailure_IsAnEngineFailure() =>
        StartFailures.Map(Engine(HttpStatusCode.InternalServerError, "something broke")).ShouldBeNull();
}
