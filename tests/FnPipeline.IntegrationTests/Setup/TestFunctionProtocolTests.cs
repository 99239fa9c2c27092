using System.Net;
using System.Text;
using CliWrap.Buffered;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Setup;

/// <summary>The test function's protocol (docs/testing.md), which other tests build on.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class TestFunctionProtocolTests
{
    private static readonly TimeSpan SocketTimeout = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("!bytes 5", "xxxxx", 0)]
    [InlineData("!echo\n!not a command", "!not a command", 0)]
    [InlineData("!stdout 2\npayload", "stdout line 1\nstdout line 2\npayload", 0)]
    [InlineData("!status 7", "status 7", 7)]
    [InlineData("!sleep 10\nslept", "slept", 0)]
    public async Task DefaultFormat_Command_GivesOutputAndExitCode(string input, string output, int exitCode)
    {
        BufferedCommandResult result = await DockerCli.RunAsync(TestImages.TestFunction, input);

        result.StandardOutput.ShouldBe(output);
        result.ExitCode.ShouldBe(exitCode, result.StandardError);
    }

    [Fact]
    public async Task DefaultFormat_StderrCommand_WritesLinesToStderr()
    {
        BufferedCommandResult result = await DockerCli.RunAsync(TestImages.TestFunction, "!stderr 2\nout");

        result.StandardOutput.ShouldBe("out");
        result.StandardError.ShouldBe("stderr line 1\nstderr line 2\n");
    }

    [Fact]
    public async Task DefaultFormat_ExitAtStart_ExitsWithCodeAndSaysSo()
    {
        BufferedCommandResult result = await DockerCli.RunAsync(TestImages.TestFunction, "ignored", arguments: ["--exit-at-start", "5"]);

        result.ExitCode.ShouldBe(5);
        result.StandardError.ShouldContain("exiting at start with code 5");
    }

    [Fact]
    public async Task HttpStream_DirectBind_LsnrSockIsTheSocketItself()
    {
        await using HttpStreamContainer container = await HttpStreamContainer.StartAsync(TestImages.TestFunction, ["--direct-bind"]);
        await container.WaitForSocketAsync(SocketTimeout);

        new FileInfo(container.SocketPath).LinkTarget.ShouldBeNull();
        using HttpClient client = container.CreateClient();
        (await client.PostAsync("call", new StringContent("direct"))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task HttpStream_BadSymlink_LinksToAnAbsolutePath()
    {
        await using HttpStreamContainer container = await HttpStreamContainer.StartAsync(TestImages.TestFunction, ["--bad-symlink"]);

        await Eventually.HoldsAsync(() => new FileInfo(container.SocketPath).LinkTarget is not null, SocketTimeout, "lsnr.sock is a link");

        new FileInfo(container.SocketPath).LinkTarget.ShouldBe("/tmp/iofs/lsnr.sock.tmp");
    }

    [Fact]
    public async Task HttpStream_GatewayStatus_Answers200WithFnHttpStatusAndHeaders()
    {
        await using HttpStreamContainer container = await HttpStreamContainer.StartAsync(TestImages.TestFunction);
        await container.WaitForSocketAsync(SocketTimeout);
        using HttpClient client = container.CreateClient();

        using var gateway = new HttpRequestMessage(HttpMethod.Post, "call") { Content = new StringContent("!status 404\nFn-Http-H-X-Thing: yes") };
        gateway.Headers.Add("Fn-Intent", "httprequest");
        using HttpResponseMessage gatewayResponse = await client.SendAsync(gateway);
        using HttpResponseMessage plainResponse = await client.PostAsync("call", new StringContent("!status 502"));

        gatewayResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        gatewayResponse.Headers.GetValues("Fn-Http-Status").ShouldBe(["404"]);
        gatewayResponse.Headers.GetValues("Fn-Http-H-X-Thing").ShouldBe(["yes"]);
        (await gatewayResponse.Content.ReadAsStringAsync()).ShouldBe("status 404");
        plainResponse.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        plainResponse.Headers.Contains("Fn-Http-Status").ShouldBeFalse();
    }

    [Fact]
    public async Task HttpStream_ChunkedBody_IsEchoed()
    {
        await using HttpStreamContainer container = await HttpStreamContainer.StartAsync(TestImages.TestFunction);
        await container.WaitForSocketAsync(SocketTimeout);
        using HttpClient client = container.CreateClient();
        byte[] body = Encoding.UTF8.GetBytes(new string('a', 100_000));

        using var content = new StreamContent(new MemoryStream(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, "call") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using HttpResponseMessage response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(body);
    }

    [Fact]
    public async Task HttpStream_ExitCommand_DropsTheConnectionWithoutAResponse()
    {
        await using HttpStreamContainer container = await HttpStreamContainer.StartAsync(TestImages.TestFunction);
        await container.WaitForSocketAsync(SocketTimeout);
        using HttpClient client = container.CreateClient();

        await Should.ThrowAsync<HttpRequestException>(() => client.PostAsync("call", new StringContent("!exit 7")));
    }

    [Fact]
    public async Task HttpStream_NeverListen_NoSocketAppears()
    {
        await using HttpStreamContainer container = await HttpStreamContainer.StartAsync(TestImages.TestFunction, ["--never-listen"]);

        // The function says when it has decided never to listen: from then on nothing appears.
        await Eventually.HoldsAsync(
            async () => (await DockerCli.ExecuteAsync(["logs", container.ContainerId])).StandardError.Contains("never listening (--never-listen)", StringComparison.Ordinal),
            SocketTimeout,
            () => "the function logged that it never listens");

        Directory.EnumerateFileSystemEntries(container.Directory).ShouldBeEmpty();
    }
}
