using System.Net;
using System.Text;
using CliWrap.Buffered;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Setup;

/// <summary>Proves the test set-up: engine, images, both contracts, labels and clean-up.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class TestImageTests(EngineFixture engine)
{
    private static readonly TimeSpan SocketTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task BusyboxCat_Stdin_IsEchoedOnStdout()
    {
        BufferedCommandResult result = await DockerCli.RunAsync(TestImages.Busybox, "hello busybox", arguments: ["cat"]);

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBe("hello busybox");
    }

    [Fact]
    public async Task TestFunction_DefaultFormat_EchoesStdin()
    {
        BufferedCommandResult result = await DockerCli.RunAsync(TestImages.TestFunction, "hello testfn");

        result.ExitCode.ShouldBe(0, result.StandardError);
        result.StandardOutput.ShouldBe("hello testfn");
    }

    [Fact]
    public async Task TestFunction_DefaultFormatExitCommand_WritesPayloadThenExitsWithCode()
    {
        BufferedCommandResult result = await DockerCli.RunAsync(TestImages.TestFunction, "!exit 3\npartial output");

        result.ExitCode.ShouldBe(3);
        result.StandardOutput.ShouldBe("partial output");
    }

    [Fact]
    public async Task TestFunction_HttpStream_AnswersSequentialCallsOnOneConnection()
    {
        await using HttpStreamContainer container = await HttpStreamContainer.StartAsync(TestImages.TestFunction);
        await container.WaitForSocketAsync(SocketTimeout);

        new FileInfo(container.SocketPath).LinkTarget.ShouldBe("lsnr.sock.tmp");
        (await Containers.ListByLabelAsync(engine.Client, TestRun.RunLabel)).ShouldContain(container.ContainerId);
        using HttpClient client = container.CreateClient();
        for (int i = 1; i <= 3; i++)
        {
            using HttpResponseMessage response = await client.PostAsync("call", new StringContent($"hello {i}"));

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Headers.GetValues("Fn-Fdk-Version").ShouldBe(["fdk-testfn/1.0"]);
            (await response.Content.ReadAsStringAsync()).ShouldBe($"hello {i}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "call") { Content = new StringContent("!headers") };
        request.Headers.Add("Fn-Call-Id", "call-42");
        using HttpResponseMessage headers = await client.SendAsync(request);
        string seen = await headers.Content.ReadAsStringAsync();
        seen.ShouldStartWith("POST /call HTTP/1.1\n");
        seen.ShouldContain("Fn-Call-Id: call-42\n");
    }

    [Fact]
    public async Task NodeFdk_HttpStream_EchoesBody()
    {
        await using HttpStreamContainer container = await HttpStreamContainer.StartAsync(TestImages.NodeFdk);
        await container.WaitForSocketAsync(SocketTimeout);

        using HttpClient client = container.CreateClient();
        using HttpResponseMessage response = await client.PostAsync(
            "call", new ByteArrayContent(Encoding.UTF8.GetBytes("hello node")));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Fn-Fdk-Version").Single().ShouldStartWith("fdk-node/");
        (await response.Content.ReadAsStringAsync()).ShouldBe("hello node");
    }
}
