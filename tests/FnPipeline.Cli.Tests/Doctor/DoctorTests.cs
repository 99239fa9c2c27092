using System.Net;
using System.Net.Sockets;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Doctor;

/// <summary><c>fnpipe doctor</c> as a process: one line per check, a fix under each failure, exit code 1 on any failure.</summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class DoctorTests
{
    [Fact]
    public async Task HealthyMachine_EveryCheckOk_Exit0()
    {
        var result = await Fnpipe.RunAsync(["doctor", TestImages.TestFunction]);

        result.ExitCode.ShouldBe(0, result.StandardOutput);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldMatch(@"^  ok    settings         ");
        lines[1].ShouldMatch(@"^  ok    engine           unix://.* answers$|^  ok    engine           .* answers$");
        lines[2].ShouldMatch(@"^  ok    version          (Docker|Podman) [0-9.]+.*, API [0-9.]+ \(linux/.*\); API at least 1\.33 required$");
        lines[3].ShouldMatch(@"^  ok    image            fnpipeline/testfn:latest is present \(sha256:[0-9a-f]{12}, [0-9.]+ MiB\)$");
        lines[4].ShouldMatch(@"^  ok    socket directory .*: writable, unix sockets bind, socket paths take [0-9]+ of 107 bytes$");
        lines[5].ShouldStartWith("  ok    registry auth    ");
        lines[^1].ShouldBe("fnpipe doctor: no problem found");
    }

    [Fact]
    public async Task MissingImages_FailWithWhatToDo_Exit1()
    {
        var result = await Fnpipe.RunAsync(["doctor", "example.invalid/nosuch/image:1", "fnpipeline/nosuch:latest", "Not/Valid"]);

        result.ExitCode.ShouldBe(1);
        var output = result.StandardOutput;
        output.ShouldContain(
            "  FAIL  image            example.invalid/nosuch/image:1 is not on the engine\n" +
            "        fix: pull it now: docker pull example.invalid/nosuch/image:1 (or let the first call pull it, when its registry is reachable)\n");
        output.ShouldContain(
            "  FAIL  image            fnpipeline/nosuch:latest is not on the engine\n" +
            "        fix: build the sample images offline: sudo bash scripts/build-images.sh\n");
        output.ShouldContain(
            "  FAIL  image            'Not/Valid' is not a valid image reference ([registry[:port]/]path[:tag][@digest], the path in lower case)\n" +
            "        fix: write it as [registry/]name[:tag][@digest], in lower case\n");
        output.ShouldEndWith("fnpipe doctor: 3 problem(s) found\n");
    }

    [Fact]
    public async Task UnreachableEngine_FailsWithHowToStartOne_AndSkipsWhatNeedsIt()
    {
        var result = await Fnpipe.RunAsync(
            ["doctor", TestImages.TestFunction],
            environment: new Dictionary<string, string?> { ["FNPIPELINE_DOCKER_ENDPOINT"] = "unix:///nonexistent/docker.sock" });

        result.ExitCode.ShouldBe(1);
        var output = result.StandardOutput;
        output.ShouldContain("  FAIL  engine           the engine at unix:///nonexistent/docker.sock (FNPIPELINE_DOCKER_ENDPOINT / DockerEndpoint) is unreachable: no socket at /nonexistent/docker.sock\n");
        output.ShouldContain(
            "        fix: start an engine (as root: bash scripts/docker-up.sh installs and starts dockerd), " +
            "or point DOCKER_HOST, DOCKER_CONTEXT or FNPIPELINE_DOCKER_ENDPOINT at a running one\n");
        output.ShouldContain("  skip  version          needs the engine\n");
        output.ShouldContain("  skip  images           need the engine\n");
        output.ShouldContain("  ok    settings         1 FNPIPELINE_* variable(s) set, all valid\n");
    }

    [Fact]
    public async Task TcpAddressNobodyListensOn_DoctorFailsTheEngineCheck_InvokeExits6_BothWithoutAStackTrace()
    {
        // A loopback port just freed: the dial is refused.
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = $"tcp://127.0.0.1:{port}", ["FNPIPELINE_DOCKER_ENDPOINT"] = null };
        var doctor = await Fnpipe.RunAsync(["doctor"], environment: environment);
        var invoke = await Fnpipe.RunAsync(["invoke", TestImages.TestFunction, .. TestRun.LabelArguments], input: "x", environment);

        doctor.ExitCode.ShouldBe(1, doctor.StandardOutput + doctor.StandardError);
        doctor.StandardOutput.ShouldContain($"  FAIL  engine           the engine at tcp://127.0.0.1:{port} (DOCKER_HOST) is unreachable: Connection refused\n");
        doctor.StandardOutput.ShouldContain("        fix: the engine is not running or not listening there: start it, or fix FNPIPELINE_DOCKER_ENDPOINT / DOCKER_HOST / the docker context\n");
        doctor.StandardError.ShouldBeEmpty();
        invoke.ExitCode.ShouldBe(6, invoke.StandardError);
        invoke.StandardError.ShouldContain($"Engine tcp://127.0.0.1:{port}: ping failed: the engine at tcp://127.0.0.1:{port} (DOCKER_HOST) is unreachable: Connection refused");
        invoke.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        invoke.StandardError.ShouldNotContain("One or more errors occurred");
    }

    [Fact]
    public async Task UnusableSocketDirectory_FailsWithWhatToDo()
    {
        var result = await Fnpipe.RunAsync(
            ["doctor"], environment: new Dictionary<string, string?> { ["FNPIPELINE_HOT_SOCKET_DIR"] = "/nonexistent/sockets" });

        result.ExitCode.ShouldBe(1);
        result.StandardOutput.ShouldContain(
            "  FAIL  socket directory /nonexistent/sockets (FNPIPELINE_HOT_SOCKET_DIR) does not exist\n" +
            "        fix: create it (mkdir -p /nonexistent/sockets) or set FNPIPELINE_HOT_SOCKET_DIR to an existing directory\n");
        result.StandardOutput.ShouldContain("  skip  images           none named: give IMAGE arguments or --functions FILE to check them\n");
    }

    [Fact]
    public async Task TooLongSocketDirectory_FailsWithWhatToDo()
    {
        var deep = Directory.CreateTempSubdirectory("fnpipe-" + new string('d', 90)).FullName;
        try
        {
            var result = await Fnpipe.RunAsync(["doctor"], environment: new Dictionary<string, string?> { ["FNPIPELINE_HOT_SOCKET_DIR"] = deep });

            result.ExitCode.ShouldBe(1);
            result.StandardOutput.ShouldContain($"  FAIL  socket directory {deep} is too long: socket paths under it take ");
            result.StandardOutput.ShouldContain("        fix: set FNPIPELINE_HOT_SOCKET_DIR to a shorter directory, e.g. /tmp/fnpipeline\n");
        }
        finally
        {
            Directory.Delete(deep);
        }
    }

    [Fact]
    public async Task FunctionsFile_IsCheckedAndItsImagesToo()
    {
        var directory = Directory.CreateTempSubdirectory("fnpipe-doctor-").FullName;
        try
        {
            var good = Path.Combine(directory, "functions.yaml");
            await File.WriteAllTextAsync(good, $"functions:\n  - name: echo\n    image: {TestImages.TestFunction}\n  - name: gone\n    image: fnpipeline/nosuch:latest\n");
            var bad = Path.Combine(directory, "bad.json");
            await File.WriteAllTextAsync(bad, "{ \"functions\": [ { \"name\": \"echo\" } ] }");

            var withGood = await Fnpipe.RunAsync(["doctor", "--functions", good]);
            var withBad = await Fnpipe.RunAsync(["doctor", "--functions", bad]);

            withGood.ExitCode.ShouldBe(1);
            withGood.StandardOutput.ShouldContain($"  ok    functions file   {good}: 2 function(s): echo, gone\n");
            withGood.StandardOutput.ShouldContain($"  ok    image            {TestImages.TestFunction} is present");
            withGood.StandardOutput.ShouldContain("  FAIL  image            fnpipeline/nosuch:latest is not on the engine\n");
            withBad.ExitCode.ShouldBe(1);
            withBad.StandardOutput.ShouldContain(
                "  FAIL  functions file   bad.json:1:18: functions[0].image: missing: every function needs an image\n" +
                "        fix: fix the lines named (format: docs/functions-file.md)\n");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
