using System.CommandLine;
using FnPipeline.Cli.Commands;

namespace FnPipeline.Cli.Tests.Commands;

/// <summary>The command tree, parsed in-process: help text everywhere, and the invoke options as documented.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void EveryCommandOptionAndArgument_HasHelpText()
    {
        var missing = new List<string>();
        Visit(CliApp.CreateRootCommand(), "fnpipe", missing);

        missing.ShouldBeEmpty();
    }

    [Fact]
    public void Root_HasInvokeServeDoctorAndFleet() =>
        CliApp.CreateRootCommand().Subcommands.Select(c => c.Name).ShouldBe(["invoke", "serve", "doctor", "fleet", "node"]);

    [Fact]
    public void Invoke_CmdTakesWordsUntilTheNextOption_DashesIncluded()
    {
        var result = CliApp.CreateRootCommand().Parse(["invoke", "busybox", "--cmd", "sh", "-c", "echo hi", "--json"]);

        result.Errors.ShouldBeEmpty();
        result.GetValue<string[]>("--cmd").ShouldBe(["sh", "-c", "echo hi"]);
        result.GetValue<bool>("--json").ShouldBeTrue();
    }

    [Fact]
    public void Invoke_CommandAfterDoubleDash_IsTheCommandArgument()
    {
        var result = CliApp.CreateRootCommand().Parse(["invoke", "busybox", "--", "sh", "-c", "echo hi"]);

        result.Errors.ShouldBeEmpty();
        result.GetValue<string[]>("command").ShouldBe(["sh", "-c", "echo hi"]);
    }

    [Theory]
    [InlineData("--timeout", "30x", "'30x' is not a positive duration for --timeout (e.g. 500ms, 30s, 2m, 1h, or a number of seconds)")]
    [InlineData("--memory", "5", "'5' is not a whole number of MB of at least 6 for --memory")]
    [InlineData("--env", "=x", "'=x' is not NAME=value for --env")]
    [InlineData("--header", "NoColon", "'NoColon' is not 'Name: value' for --header")]
    [InlineData("--format", "warm", "Argument 'warm' not recognized. Must be one of:\n\t'default'\n\t'http-stream'")]
    public void Invoke_BadOptionValue_IsAUsageErrorNamingTheOption(string option, string value, string expected)
    {
        var result = CliApp.CreateRootCommand().Parse(["invoke", "busybox", option, value]);

        result.Errors.Select(e => e.Message).ShouldBe([expected]);
    }

    [Fact]
    public void Invoke_EnvAndHeaders_AreSplitOnTheirSeparator()
    {
        var result = CliApp.CreateRootCommand().Parse(["invoke", "busybox", "-e", "A=1=2", "-e", "B=", "-H", "X-Foo: bar: baz"]);

        result.Errors.ShouldBeEmpty();
        result.GetValue<IReadOnlyList<KeyValuePair<string, string>>>("--env").ShouldBe([new("A", "1=2"), new("B", "")]);
        result.GetValue<IReadOnlyList<KeyValuePair<string, string>>>("--header").ShouldBe([new("X-Foo", "bar: baz")]);
    }

    [Fact]
    public void Invoke_MistypedOptionBeforeDoubleDash_IsAUsageErrorWithASuggestion()
    {
        var (_, errors) = CliApp.Parse(CliApp.CreateRootCommand(), ["invoke", "busybox", "--memroy", "64", "--", "echo", "hi"]);

        errors.ShouldBe(["unknown option '--memroy' (did you mean '--memory'?); the container's command goes after '--'"]);
    }

    [Theory]
    [InlineData("--tiemout=5s", "unknown option '--tiemout' (did you mean '--timeout'?); the container's command goes after '--'")]
    [InlineData("--no-such-thing", "unknown option '--no-such-thing'; the container's command goes after '--'")]
    [InlineData("-c", "unknown option '-c'; the container's command goes after '--'")]
    public void Invoke_UnknownOptionBeforeDoubleDash_IsAUsageError(string word, string expected)
    {
        var (_, errors) = CliApp.Parse(CliApp.CreateRootCommand(), ["invoke", "busybox", word]);

        errors.ShouldBe([expected]);
    }

    [Fact]
    public void Invoke_OptionLikeWordsAfterDoubleDash_AreTheCommand()
    {
        var (result, errors) = CliApp.Parse(CliApp.CreateRootCommand(), ["invoke", "busybox", "--json", "--", "ls", "--memroy", "-c"]);

        errors.ShouldBeEmpty();
        result.GetValue<string[]>("command").ShouldBe(["ls", "--memroy", "-c"]);
        result.GetValue<bool>("--json").ShouldBeTrue();
    }

    [Fact]
    public void Doctor_MistypedOption_IsAUsageErrorNotAnImage()
    {
        var (_, errors) = CliApp.Parse(CliApp.CreateRootCommand(), ["doctor", "--fucntions", "f.yaml"]);

        errors.ShouldBe(["unknown option '--fucntions' (did you mean '--functions'?)"]);
    }

    [Fact]
    public void Serve_MistypedOptionAndStrayWord_AreUsageErrors()
    {
        var (_, errors) = CliApp.Parse(CliApp.CreateRootCommand(), ["serve", "--functions", "f.yaml", "--urlz", "http://127.0.0.1:0"]);

        errors.ShouldBe(["unknown option '--urlz' (did you mean '--urls'?)", "unexpected argument 'http://127.0.0.1:0'"]);
    }

    [Fact]
    public void Invoke_CpusBelowTheEnginesQuota_IsAUsageError()
    {
        var result = CliApp.CreateRootCommand().Parse(["invoke", "busybox", "--cpus", "5"]);

        result.Errors.Select(e => e.Message).ShouldBe(["'5' is not a whole number of milli-CPUs of at least 10 for --cpus"]);
    }

    [Fact]
    public void Serve_WithoutFunctions_IsAUsageError()
    {
        var result = CliApp.CreateRootCommand().Parse(["serve"]);

        result.Errors.Select(e => e.Message).ShouldBe(["Option '--functions' is required."]);
    }

    private static void Visit(Command command, string path, List<string> missing)
    {
        if (string.IsNullOrWhiteSpace(command.Description))
        {
            missing.Add(path);
        }

        foreach (var option in command.Options.Where(o => string.IsNullOrWhiteSpace(o.Description)))
        {
            missing.Add($"{path} {option.Name}");
        }

        foreach (var argument in command.Arguments.Where(a => string.IsNullOrWhiteSpace(a.Description)))
        {
            missing.Add($"{path} <{argument.Name}>");
        }

        foreach (var sub in command.Subcommands)
        {
            Visit(sub, $"{path} {sub.Name}", missing);
        }
    }
}
