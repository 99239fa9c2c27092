using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Docker;
using FnPipeline.Docker.Credentials;
using FnPipeline.Tests.HotPool.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace FnPipeline.Tests.Docker;

/// <summary>The puller over a fake engine whose pulls finish only when the test says so.</summary>
public sealed class ImagePullerTests : IDisposable
{
    private const string Image = "registry.example:5000/team/fn:v1";

    /// <summary>DockerLog.PullJoined: a caller joined the transfer under way.</summary>
    private const int PullJoinedEventId = 108;

    private readonly IImageOperations _images = Substitute.For<IImageOperations>();
    private readonly IDockerClient _client = Substitute.For<IDockerClient>();
    private readonly FakeTimeProvider _time = new();
    private readonly List<PullCall> _pulls = [];
    private readonly ListLoggerFactory _logs = new();
    private readonly ImagePuller _puller;

    public ImagePullerTests()
    {
        _client.Images.Returns(_images);
        _images.InspectImageAsync(Arg.Any<string>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new DockerImageNotFoundException(HttpStatusCode.NotFound, """{"message":"No such image"}"""));
        _images.CreateImageAsync(Arg.Any<ImagesCreateParameters>(), Arg.Any<AuthConfig>(), Arg.Any<IProgress<JSONMessage>>(), Arg.Any<CancellationToken>())
            .Returns(call =>
            {
                var pull = new PullCall(call.ArgAt<ImagesCreateParameters>(0), call.ArgAt<AuthConfig>(1), call.ArgAt<IProgress<JSONMessage>>(2), call.ArgAt<CancellationToken>(3));
                lock (_pulls)
                {
                    _pulls.Add(pull);
                }

                return pull.Done.Task.WaitAsync(pull.Token);
            });
        var credentials = new RegistryCredentialResolver(
            new RegistryCredentialInputs("""{"auths":{"registry.example:5000":{"auth":"Y2ZnOnNlY3JldA=="}}}""", _ => null, null), NullLogger.Instance);
        _puller = new ImagePuller(_client, credentials, TimeSpan.FromMinutes(1), _time, _logs.CreateLogger("puller"));
    }

    public void Dispose() => _puller.Dispose();

    [Fact]
    public async Task FiveConcurrentCallers_ShareOneTransfer()
    {
        var callers = Enumerable.Range(0, 5).Select(_ => _puller.EnsureImageAsync(Image, null)).ToList();
        await WaitForPullsAsync(1);

        _pulls.Single().Done.SetResult();
        await Task.WhenAll(callers);

        _pulls.Count.ShouldBe(1);
        _puller.TransfersStarted.ShouldBe(1);
    }

    [Fact]
    public async Task Transfer_GetsTheNormalizedReference_AndConfigCredentials()
    {
        var caller = _puller.EnsureImageAsync(Image, null);
        await WaitForPullsAsync(1);
        _pulls[0].Done.SetResult();
        await caller;

        var pull = _pulls[0];
        (pull.Parameters.FromImage, pull.Parameters.Tag).ShouldBe(("registry.example:5000/team/fn", "v1"));
        (pull.Auth.Username, pull.Auth.Password).ShouldBe(("cfg", "secret"));
    }

    [Fact]
    public async Task ExplicitCredentials_WinOverConfig_AndAreASeparateTransfer()
    {
        var fromConfig = _puller.EnsureImageAsync(Image, null);
        var explicitOnes = _puller.EnsureImageAsync(Image, new RegistryCredentials("me", "pw"));
        await WaitForPullsAsync(2);
        _pulls.ForEach(p => p.Done.SetResult());
        await Task.WhenAll(fromConfig, explicitOnes);

        _pulls.Select(p => p.Auth.Username).Order().ShouldBe(["cfg", "me"]);
        _pulls.Single(p => p.Auth.Username == "me").Auth.ServerAddress.ShouldBe("registry.example:5000");
    }

    [Fact]
    public async Task FollowerCancelling_DoesNotCancelTheSharedTransfer()
    {
        var leader = _puller.EnsureImageAsync(Image, null);
        await WaitForPullsAsync(1);
        using var followerCancel = new CancellationTokenSource();
        var follower = _puller.EnsureImageAsync(Image, null, followerCancel.Token);

        await followerCancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => follower);
        _pulls[0].Token.IsCancellationRequested.ShouldBeFalse();
        _pulls[0].Done.SetResult();

        await leader;
        _pulls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task LeaderCancelling_DoesNotCancelTheSharedTransferEither()
    {
        using var leaderCancel = new CancellationTokenSource();
        var leader = _puller.EnsureImageAsync(Image, null, leaderCancel.Token);
        await WaitForPullsAsync(1);
        var follower = _puller.EnsureImageAsync(Image, null);
        await Eventually.HoldsAsync(() => _logs.WithEvent(PullJoinedEventId).Count == 1, "the follower joined the transfer");

        await leaderCancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => leader);
        _pulls[0].Token.IsCancellationRequested.ShouldBeFalse();
        _pulls[0].Done.SetResult();

        await follower;
    }

    [Fact]
    public async Task EveryCallerCancelling_AbandonsTheTransfer_AndTheNextCallerStartsAFreshOne()
    {
        using var cancel = new CancellationTokenSource();
        var only = _puller.EnsureImageAsync(Image, null, cancel.Token);
        await WaitForPullsAsync(1);

        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => only);
        _pulls[0].Token.IsCancellationRequested.ShouldBeTrue();

        var next = _puller.EnsureImageAsync(Image, null);
        await WaitForPullsAsync(2);
        _pulls[1].Done.SetResult();
        await next;
    }

    [Fact]
    public async Task PullPastTheTimeout_Is504()
    {
        var caller = _puller.EnsureImageAsync(Image, null);
        await WaitForPullsAsync(1);

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));

        var error = await Should.ThrowAsync<FnCallException>(() => caller);
        error.Error.ShouldBe(new FnError(FnErrorKind.ImagePullTimeout, 504, $"Image pull timed out: '{Image}'"));
    }

    [Fact]
    public async Task ErrorInTheProgressStream_FailsEveryWaiter_WithTheMappedError()
    {
        var callers = Enumerable.Range(0, 3).Select(_ => _puller.EnsureImageAsync(Image, null)).ToList();
        await WaitForPullsAsync(1);

        _pulls[0].Progress.Report(new JSONMessage { Error = new JSONError { Message = "unauthorized: authentication required" } });
        _pulls[0].Done.SetResult();

        foreach (var caller in callers)
        {
            var error = await Should.ThrowAsync<FnCallException>(() => caller);
            error.Error.Kind.ShouldBe(FnErrorKind.ImageUnauthorized);
        }
    }

    [Fact]
    public async Task EngineRefusal_IsMappedFromStatusAndMessage()
    {
        var caller = _puller.EnsureImageAsync(Image, null);
        await WaitForPullsAsync(1);

        _pulls[0].Done.SetException(new DockerApiException(HttpStatusCode.NotFound, """{"message":"manifest unknown"}"""));

        var error = await Should.ThrowAsync<FnCallException>(() => caller);
        error.Error.ShouldBe(new FnError(FnErrorKind.ImageNotFound, 404, $"Failed to pull image '{Image}': manifest unknown"));
    }

    [Fact]
    public async Task PresentImage_IsNotPulled()
    {
        _images.InspectImageAsync(Image, Arg.Any<CancellationToken>()).Returns(new ImageInspectResponse { ID = "sha256:x" });

        await _puller.EnsureImageAsync(Image, null);

        _pulls.ShouldBeEmpty();
    }

    private Task WaitForPullsAsync(int count) => Eventually.HoldsAsync(
        () =>
        {
            lock (_pulls)
            {
                return _pulls.Count >= count;
            }
        },
        $"{count} transfer(s) started");

    private sealed record PullCall(ImagesCreateParameters Parameters, AuthConfig Auth, IProgress<JSONMessage> Progress, CancellationToken Token)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
