using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Invoke;

/// <summary>
/// <c>fnpipe invoke</c> as a process with bad input (docs/operations.md, "Bad input and edge cases"): each is refused
/// with exit code 2 and what is wrong, before the engine is reached (its endpoint here does not exist: reaching it
/// would exit 6).
/// </summary>
public sealed class InvokeBadInputTests
{
    private static readonly Dictionary<string, string?> NoEngine = new() { ["FNPIPELINE_DOCKER_ENDPOINT"] = "unix:///nonexistent/docker.sock" };

    [Fact]
    public async Task MistypedOptionBeforeDoubleDash_IsAUsageError_NotPartOfTheCommand()
    {
        var result = await Fnpipe.RunAsync(["invoke", "fnpipeline/busybox:latest", "--memroy", "64", "--", "echo", "hi"], environment: NoEngine);

        result.ExitCode.ShouldBe(2);
        result.StandardError.ShouldBe(
            "fnpipe: unknown option '--memroy' (did you mean '--memory'?); the container's command goes after '--'\n" +
            "Run 'fnpipe invoke --help' for usage.\n");
        result.StandardOutput.ShouldBeEmpty();
    }

    [Fact]
    public async Task ImageNameOver255Characters_IsRefusedNamingTheLimit()
    {
        var image = "fnpipeline/" + new string('a', 250);

        var result = await Fnpipe.RunAsync(["invoke", image], environment: NoEngine);

        result.ExitCode.ShouldBe(2, result.StandardError);
        result.StandardError.ShouldStartWith($"fnpipe: Invalid function call for image '{image}': Image 'fnpipeline/aaa");
        result.StandardError.ShouldEndWith("(261 characters)' has a repository name of 261 characters; Docker allows at most 255\n");
    }

    [Theory]
    [InlineData("1BAD=x", "1BAD")]
    [InlineData("A B=x", "A B")]
    public async Task EnvironmentNameThatIsNotAPosixName_IsRefused(string pair, string name)
    {
        var result = await Fnpipe.RunAsync(["invoke", "fnpipeline/testfn:latest", "--env", pair], environment: NoEngine);

        result.ExitCode.ShouldBe(2, result.StandardError);
        result.StandardError.ShouldBe(
            $"fnpipe: Invalid function call for image 'fnpipeline/testfn:latest': Environment name '{name}' is not a valid name: " +
            "use letters, digits and '_', not starting with a digit (a POSIX name, as shells and FDKs read it)\n");
    }

    [Fact]
    public async Task TimeoutOverTheTimersLimit_IsRefusedBeforeAnyContainer()
    {
        var result = await Fnpipe.RunAsync(["invoke", "fnpipeline/testfn:latest", "--timeout", "1200h"], environment: NoEngine);

        result.ExitCode.ShouldBe(2, result.StandardError);
        result.StandardError.ShouldBe(
            "fnpipe: Invalid function call for image 'fnpipeline/testfn:latest': Timeout must be at most 49 days " +
            "(the executor's timers stop at 49.7 days), got 50 days\n");
    }

    [Fact]
    public async Task HeaderNameThatIsNotAToken_IsRefused_NotDropped()
    {
        var result = await Fnpipe.RunAsync(["invoke", "fnpipeline/testfn:latest", "--format", "http-stream", "--header", "Bad Name: v"], environment: NoEngine);

        result.ExitCode.ShouldBe(2, result.StandardError);
        result.StandardError.ShouldBe(
            "fnpipe: Invalid function call for image 'fnpipeline/testfn:latest': Headers[0] name 'Bad Name' is not an HTTP header name " +
            "(letters, digits and !#$%&'*+-.^_`|~)\n");
    }
}
