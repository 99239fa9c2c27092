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
            "bad.json:6:5: functions[2]: Image 'Not A Valid Image' is not a valid image reference",
            "bad.json:6:5: functions[2]: Environment name 'FN_FORMAT' is reserved by the container contract",
            "bad.json:6:47: functions[2].memory: expected a whole number of MB (0 or more), got the string 'lots'",
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
