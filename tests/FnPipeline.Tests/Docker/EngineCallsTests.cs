using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using FnPipeline.Docker;
using FnPipeline.Driver;

namespace FnPipeline.Tests.Docker;

/// <summary>The one wrapping point of engine requests: what leaves it, for each way a request can end.</summary>
public sealed class EngineCallsTests
{
    private readonly EngineCalls _engine = new("unix:///run/test/docker.sock");

    [Fact]
    public async Task UnreachableEngine_IsAnFnEngineExceptionNamingEndpointOperationAndCause()
    {
        var refused = new HttpRequestException("Connection failed", new SocketException((int)SocketError.ConnectionRefused));

        var error = await Should.ThrowAsync<FnEngineException>(() => _engine.RunAsync("ping", _ => Task.FromException(refused), CancellationToken.None));

        error.Message.ShouldBe($"Engine unix:///run/test/docker.sock: ping failed: Connection failed ({new SocketException((int)SocketError.ConnectionRefused).Message})");
        error.InnerException.ShouldBeSameAs(refused);
    }

    [Fact]
    public async Task AnswerTheCallerDidNotExpect_IsAnFnEngineExceptionWithTheEnginesWords()
    {
        var answer = new DockerApiException(HttpStatusCode.InternalServerError, """{"message":"devmapper: no space left"}""");

        var error = await Should.ThrowAsync<FnEngineException>(() =>
            _engine.RunAsync<string>("create container", _ => Task.FromException<string>(answer), CancellationToken.None));

        error.Message.ShouldBe("Engine unix:///run/test/docker.sock: create container failed: 500 devmapper: no space left");
    }

    [Fact]
    public async Task NoAnswerInTime_IsAnFnEngineException()
    {
        var timedOut = new TaskCanceledException("The request was canceled", new TimeoutException("HttpClient.Timeout of 100 s elapsed"));

        var error = await Should.ThrowAsync<FnEngineException>(() => _engine.RunAsync("inspect container", _ => Task.FromException(timedOut), CancellationToken.None));

        error.Message.ShouldBe("Engine unix:///run/test/docker.sock: inspect container failed: no answer in time (HttpClient.Timeout of 100 s elapsed)");
    }

    [Fact]
    public async Task CallersCancellation_StaysACancellation_EvenWhenTheTransportBrokeInstead()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var broken = new IOException("The stream was closed");

        OperationCanceledException? error = null;
        try
        {
            await _engine.RunAsync("attach to container", _ => Task.FromException(broken), cancel.Token);
        }
        catch (OperationCanceledException e)
        {
            error = e;
        }

        error.ShouldNotBeNull();
        error.CancellationToken.ShouldBe(cancel.Token);
        error.InnerException.ShouldBeSameAs(broken);
    }

    [Fact]
    public async Task TypedFailures_PassUnchanged()
    {
        var callError = new FnCallException(new FnError(FnErrorKind.ContainerInitFailed, 502, "Container failed to start: exec /nope"));
        var engineError = new FnEngineException("already typed");

        (await Should.ThrowAsync<FnCallException>(() => _engine.RunAsync("start container", _ => Task.FromException(callError), CancellationToken.None)))
            .ShouldBeSameAs(callError);
        (await Should.ThrowAsync<FnEngineException>(() => _engine.RunAsync("start container", _ => Task.FromException(engineError), CancellationToken.None)))
            .ShouldBeSameAs(engineError);
    }

    [Fact]
    public async Task Driver_OnAnEndpointNobodyListensOn_FailsStartUpNamingTheEndpointAndThePing()
    {
        var directory = Directory.CreateTempSubdirectory("fnpec-").FullName;
        try
        {
            var endpoint = $"unix://{directory}/no-engine.sock";
            await using var executor = FnExecutor.Create(new FnPipelineOptions { DockerEndpoint = endpoint, ReapOrphans = false, Hot = { SocketBaseDirectory = directory } });

            var error = await Should.ThrowAsync<FnEngineException>(() => executor.StartAsync());

            error.Message.ShouldStartWith($"Engine {endpoint}: ping failed: ");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
