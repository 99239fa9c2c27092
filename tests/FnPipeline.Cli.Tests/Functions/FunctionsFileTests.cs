using System.Text;
using FnPipeline.Cli.Functions;

namespace FnPipeline.Cli.Tests.Functions;

/// <summary>The functions file: JSON and YAML alike, every problem at once, each naming its line, column and field.</summary>
public sealed class FunctionsFileTests
{
    [Fact]
    public void Parse_Yaml_BindsEveryField()
    {
        const string yaml = """
            app: demo
            functions:
              - name: echo
                image: fnpipeline/testfn:latest
              - name: hot-echo
                image: fnpipeline/node-fdk:latest
                format: http-stream
                memory: 64
                cpus: 500
                timeout: 2s
                idle_timeout: 1m
                config: { GREETING: hello, RETRIES: 3 }
                cmd: ["/testfn", "--chatty"]
                labels: { team: fn }
                tmpfs: 8
                max_output_bytes: 1024
            """;

        var file = Parse("functions.yaml", yaml);

        file.App.ShouldBe("demo");
        file.Functions.Select(f => f.Name).ShouldBe(["echo", "hot-echo"]);
        file.Find("echo")!.Format.ShouldBe(FunctionFormat.Default);
        var hot = file.Find("hot-echo")!;
        hot.Format.ShouldBe(FunctionFormat.HttpStream);
        hot.MemoryMB.ShouldBe(64);
        hot.MilliCpus.ShouldBe(500);
        hot.Timeout.ShouldBe(TimeSpan.FromSeconds(2));
        hot.IdleTimeout.ShouldBe(TimeSpan.FromMinutes(1));
        hot.Config.ShouldBe(new Dictionary<string, string> { ["GREETING"] = "hello", ["RETRIES"] = "3" });
        hot.Command.ShouldBe(["/testfn", "--chatty"]);
        hot.Labels["team"].ShouldBe("fn");
        hot.TmpFsMB.ShouldBe(8);
        hot.MaxOutputBytes.ShouldBe(1024);
        hot.Line.ShouldBe(5);
    }

    [Fact]
    public void Parse_Json_WithCommentsAndTrailingCommas_IsAccepted()
    {
        const string json = """
            {
              // the demo's functions
              "functions": [
                { "name": "echo", "image": "fnpipeline/testfn:latest", "timeout": 30, },
              ],
            }
            """;

        var file = Parse("functions.json", json);

        file.App.ShouldBe("");
        file.Find("echo")!.Timeout.ShouldBe(TimeSpan.FromSeconds(30));
        file.Find("nope").ShouldBeNull();
    }

    [Fact]
    public void Parse_WithoutExtension_SniffsJsonFromTheFirstCharacter()
    {
        var file = Parse("functions", """{ "functions": [ { "name": "a", "image": "busybox" } ] }""");

        file.Find("a")!.Image.ShouldBe("busybox");
    }

    [Fact]
    public void Parse_JsonWithEveryKindOfMistake_ReportsThemAllInLineOrder()
    {
        const string json = """
            {
              "app": "demo",
              "functions": [
                { "name": "echo", "image": "fnpipeline/testfn:latest", "memroy": 64 },
                { "name": "echo", "image": "fnpipeline/testfn:latest", "format": "warm", "timeout": "30x" },
                { "image": "Not A Valid Image", "memory": "lots", "config": { "FN_FORMAT": "x" } }
              ]
            }
            """;

        var e = Should.Throw<FunctionsFileException>(() => Parse("bad.json", json));

        e.Problems.ShouldBe(
        [
            "bad.json:4:60: functions[0].memroy: unknown field (did you mean 'memory'?); known fields: name, image, format, memory, cpus, timeout, idle_timeout, config, cmd, labels, tmpfs, fs_size, max_output_bytes",
            "bad.json:5:5: functions[1].name: 'echo' is already defined on line 4",
            "bad.json:5:70: functions[1].format: 'warm' is not a format: use 'default' (one container per call) or 'http-stream' (hot containers)",
            "bad.json:5:89: functions[1].timeout: expected a positive duration (e.g. 500ms, 30s, 2m, 1h, or a number of seconds), got the string '30x'",
            "bad.json:6:5: functions[2].name: missing: every function needs a name (used in /invoke/{name})",
            "bad.json:6:16: functions[2].image: 'Not A Valid Image' is not a valid image reference ([registry[:port]/]path[:tag][@digest], the path in lower case)",
            "bad.json:6:47: functions[2].memory: expected a whole number of MB (0 or more), got the string 'lots'",
            "bad.json:6:67: functions[2].config.FN_FORMAT: name 'FN_FORMAT' is reserved by the container contract",
        ]);
        e.Message.ShouldStartWith("Functions file 'bad.json' has 8 problems:");
    }

    [Fact]
    public void Parse_JsonSyntaxError_NamesTheLineAndColumn()
    {
        const string json = "{\n  \"functions\": [\n    { \"name\": \"echo\" \"image\": \"x\" }\n  ]\n}\n";

        var e = Should.Throw<FunctionsFileException>(() => Parse("functions.json", json));

        e.Problems.ShouldBe(["functions.json:3:22: '\"' is invalid after a value. Expected either ',', '}', or ']'"]);
    }

    [Fact]
    public void Parse_YamlSyntaxError_NamesTheLine()
    {
        const string yaml = "functions:\n  - name: echo\n    image: fnpipeline/testfn:latest\n     memory: 64\n";

        var e = Should.Throw<FunctionsFileException>(() => Parse("functions.yaml", yaml));

        e.Problems.Single().ShouldStartWith("functions.yaml:4:");
    }

    [Theory]
    [InlineData("app: demo\n", "functions.yaml:1:1: functions: missing: list the functions to serve under 'functions'")]
    [InlineData("functions: []\n", "functions.yaml:1:12: functions: the list is empty: add at least one function")]
    [InlineData("functions: echo\n", "functions.yaml:1:12: functions: expected a list of functions, got the string 'echo'")]
    [InlineData("- echo\n", "functions.yaml:1:1: expected a map with 'functions' (and optionally 'app'), got a list")]
    [InlineData("functions:\n  - name: a b\n    image: x\n", "functions.yaml:2:11: functions[0].name: 'a b' is not a valid name: use letters, digits, '_', '.' and '-' (up to 128), starting with a letter or digit")]
    [InlineData("functions:\n  - name: a\n    image: x\n    cmd: cat /etc/hosts\n", "functions.yaml:4:10: functions[0].cmd: expected a list of arguments (no shell splitting), e.g. [\"/bin/sh\", \"-c\", \"cat\"], got the string 'cat /etc/hosts'")]
    [InlineData("functions:\n  - name: a\n    image: x\n    memory: -5\n", "functions.yaml:4:13: functions[0].memory: expected a whole number of MB (0 or more), got the number -5")]
    [InlineData("functions:\n  - name: a\n    image: x\n    labels: { fnpipeline.managed: 'no' }\n", "functions.yaml:2:5: functions[0] (a): Label 'fnpipeline.managed' is reserved: the executor sets it")]
    [InlineData("functions:\n  - name: a\n", "functions.yaml:2:5: functions[0].image: missing: every function needs an image")]
    [InlineData("functions:\n  - name: a\n    image: x\n  - name: a\n    image: y\n", "functions.yaml:4:5: functions[1].name: 'a' is already defined on line 2")]
    [InlineData("functions:\n  - name: a\n    image: x\nfunctions: []\n", "functions.yaml:4:1: Duplicate key functions")]
    [InlineData("", "functions.yaml:1:1: the file is empty")]
    public void Parse_Mistake_IsOneClearProblem(string yaml, string expected)
    {
        var e = Should.Throw<FunctionsFileException>(() => Parse("functions.yaml", yaml));

        e.Problems.ShouldBe([expected]);
    }

    // docs/operations.md, "Bad input and edge cases": each is reported where it is written, with the limit.
    [Theory]
    [InlineData("    config: { 1BAD: x }\n", "functions.yaml:4:15: functions[0].config.1BAD: name '1BAD' is not a valid name: use letters, digits and '_', not starting with a digit (a POSIX name, as shells and FDKs read it)")]
    [InlineData("    config: { 'A B': x }\n", "functions.yaml:4:15: functions[0].config.A B: name 'A B' is not a valid name: use letters, digits and '_', not starting with a digit (a POSIX name, as shells and FDKs read it)")]
    [InlineData("    config: { FN_FORMAT: x }\n", "functions.yaml:4:15: functions[0].config.FN_FORMAT: name 'FN_FORMAT' is reserved by the container contract")]
    [InlineData("    timeout: 1200h\n", "functions.yaml:4:14: functions[0].timeout: must be at most 49 days (the executor's timers stop at 49.7 days), got 50 days")]
    [InlineData("    idle_timeout: 1200h\n", "functions.yaml:4:19: functions[0].idle_timeout: must be at most 49 days (the executor's timers stop at 49.7 days), got 50 days")]
    [InlineData("    cmd: ['/bin/sh', \"a\\0b\"]\n", "functions.yaml:4:22: functions[0].cmd[1]: is invalid (null or contains NUL)")]
    [InlineData("    cpus: 5\n", "functions.yaml:2:5: functions[0] (a): MilliCpus must be 0 (unlimited) or at least 10 (the engine's smallest CPU quota, 1 ms per 100 ms), got 5")]
    public void Parse_ValueOverALimit_IsReportedAtItsField(string line, string expected)
    {
        var e = Should.Throw<FunctionsFileException>(() => Parse("functions.yaml", "functions:\n  - name: a\n    image: fnpipeline/testfn:latest\n" + line));

        e.Problems.ShouldBe([expected]);
    }

    [Fact]
    public void Parse_ConfigValueOverMaxArgStrlen_IsReportedAtTheValue()
    {
        var big = new string('x', 131_068);

        var e = Should.Throw<FunctionsFileException>(() => Parse("functions.yaml", $"functions:\n  - name: a\n    image: x\n    config:\n      BIG: {big}\n"));

        e.Problems.ShouldBe(["functions.yaml:5:12: functions[0].config.BIG: value is too long: NAME=value takes 131,072 bytes; " +
                             "Linux passes at most 131,071 per variable (MAX_ARG_STRLEN, 128 KiB with its NUL)"]);
    }

    [Fact]
    public void Parse_CmdWordOverMaxArgStrlen_IsReportedAtTheWord()
    {
        var big = new string('x', 131_072);

        var e = Should.Throw<FunctionsFileException>(() => Parse("functions.yaml", $"functions:\n  - name: a\n    image: x\n    cmd:\n      - sh\n      - {big}\n"));

        e.Problems.ShouldBe(["functions.yaml:6:9: functions[0].cmd[1]: is too long: 131,072 bytes; Linux passes at most 131,071 per argument (MAX_ARG_STRLEN, 128 KiB with its NUL)"]);
    }

    [Fact]
    public void Parse_ImageNameOver255Characters_IsReportedAtTheImage_AndTheRestIsStillChecked()
    {
        var image = "fnpipeline/" + new string('a', 250);

        var e = Should.Throw<FunctionsFileException>(() => Parse(
            "functions.yaml", $"functions:\n  - name: a\n    image: {image}\n    labels: {{ fnpipeline.managed: 'no' }}\n"));

        e.Problems.ShouldBe(
        [
            "functions.yaml:2:5: functions[0] (a): Label 'fnpipeline.managed' is reserved: the executor sets it",
            $"functions.yaml:3:12: functions[0].image: '{image[..77]}... (261 characters)' has a repository name of 261 characters; Docker allows at most 255",
        ]);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var e = Should.Throw<FunctionsFileException>(() => FunctionsFile.Load("/nonexistent/functions.json"));

        e.Problems.Single().ShouldStartWith("cannot read it: ");
    }

    [Fact]
    public void ToCall_CarriesTheDefinitionAndTheAppName()
    {
        var function = Parse("f.yaml", "functions:\n  - name: a\n    image: x\n    format: http-stream\n    config: { K: v }\n").Find("a")!;

        var call = function.ToCall("demo", CallInput.FromString("in"), [new("X-Foo", "bar")]);

        call.Image.ShouldBe("x");
        call.Format.ShouldBe(FunctionFormat.HttpStream);
        call.Environment["K"].ShouldBe("v");
        call.AppName.ShouldBe("demo");
        call.FunctionName.ShouldBe("a");
        call.Headers.ShouldBe([new KeyValuePair<string, string>("X-Foo", "bar")]);
        FunctionCallValidator.Validate(call).ShouldBeEmpty();
    }

    private static FunctionsFile Parse(string name, string text) => FunctionsFile.Parse(name, Encoding.UTF8.GetBytes(text));
}
