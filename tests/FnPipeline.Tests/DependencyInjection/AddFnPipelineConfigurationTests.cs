using System.Reflection;
using System.Text;
using FnPipeline.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FnPipeline.Tests.DependencyInjection;

/// <summary>
/// <c>AddFnPipeline(IConfiguration section)</c>: an appsettings.json section, then the <c>FNPIPELINE_*</c> variables, then
/// code; durations with units; ambiguous numbers, unknown keys and malformed values refused naming the key.
/// </summary>
public sealed class AddFnPipelineConfigurationTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Section_FromAppSettingsJson_BindsEveryKind()
    {
        var options = Resolve("""
            {"FnPipeline": {
              "DockerEndpoint": "unix:///run/other.sock",
              "MaxContainers": 4,
              "DefaultMemoryMB": "256",
              "ReadOnlyRootFs": false,
              "DefaultTimeout": "45s",
              "StartTimeout": "00:02:00",
              "PullTimeout": "1.5m",
              "ReapInterval": "1h",
              "HealthcheckPollInterval": "250ms",
              "Networks": ["net-a", "net-b"],
              "Stages": {"RunParallelism": 3},
              "Ulimits": {"OpenFiles": 1024},
              "PreForkPool": {"Command": ["sleep", "1000"]},
              "Hot": {"IdleTimeout": "2m", "PauseAfter": "10s", "MaxContainers": 10}
            }}
            """);

        options.DockerEndpoint.ShouldBe("unix:///run/other.sock");
        options.MaxContainers.ShouldBe(4);
        options.DefaultMemoryMB.ShouldBe(256);
        options.ReadOnlyRootFs.ShouldBeFalse();
        options.DefaultTimeout.ShouldBe(TimeSpan.FromSeconds(45));
        options.StartTimeout.ShouldBe(TimeSpan.FromMinutes(2));
        options.PullTimeout.ShouldBe(TimeSpan.FromSeconds(90));
        options.ReapInterval.ShouldBe(TimeSpan.FromHours(1));
        options.HealthcheckPollInterval.ShouldBe(TimeSpan.FromMilliseconds(250));
        options.Networks.ShouldBe(["net-a", "net-b"]);
        options.Stages.RunParallelism.ShouldBe(3);
        options.Stages.CreateParallelism.ShouldBe(new StageOptions().CreateParallelism);
        options.Ulimits.OpenFiles.ShouldBe(1024);
        // A configured list replaces the default (the framework's binder would append to tail -f /dev/null).
        options.PreForkPool.Command.ShouldBe(["sleep", "1000"]);
        options.Hot.IdleTimeout.ShouldBe(TimeSpan.FromMinutes(2));
        options.Hot.PauseAfter.ShouldBe(TimeSpan.FromSeconds(10));
        options.Hot.MaxContainers.ShouldBe(10);
    }

    [Fact]
    public void Section_EmptyValues_ClearNullableSettings()
    {
        var options = Resolve("""{"FnPipeline": {"MinimumDockerVersion": null, "Ulimits": {"OpenFiles": ""}, "Hot": {"PauseAfter": ""}}}""");

        options.MinimumDockerVersion.ShouldBeNull();
        options.Ulimits.OpenFiles.ShouldBeNull();
        options.Hot.PauseAfter.ShouldBeNull();
    }

    [Theory]
    [InlineData("30000")]
    [InlineData("30")]
    [InlineData("1.5")]
    public void Section_DurationWithoutUnit_IsRefusedNamingTheKey(string value)
    {
        var ex = Should.Throw<OptionsValidationException>(() => Resolve("{\"FnPipeline\": {\"Hot\": {\"StartTimeout\": \"" + value + "\"}}}"));

        ex.Message.ShouldContain("FnPipeline:Hot:StartTimeout");
        ex.Message.ShouldContain($"'{value}' is a number without a unit");
    }

    [Fact]
    public void Section_EveryProblem_IsReportedAtOnceNamingEachKey()
    {
        var ex = Should.Throw<OptionsValidationException>(() => Resolve("""
            {"FnPipeline": {
              "MaxContainer": 4,
              "MaxQueuedCalls": "many",
              "EnableInit": "yes",
              "DrainTimeout": "soon",
              "Networks": "net-a",
              "Stages": 3,
              "ImagePullProgress": "x"
            }}
            """));

        ex.Failures.ShouldBe(
        [
            "FnPipeline:DrainTimeout: 'soon' is not a duration (e.g. 500ms, 30s, 2m, 1h or 00:00:30)",
            "FnPipeline:EnableInit: 'yes' is not a boolean (true or false)",
            "FnPipeline:ImagePullProgress: cannot be set from configuration",
            "FnPipeline:MaxContainer: not a setting of FnPipelineOptions",
            "FnPipeline:MaxQueuedCalls: 'many' is not a whole number",
            "FnPipeline:Networks: 'net-a' is not a list; write a JSON array, e.g. [\"a\", \"b\"]",
            "FnPipeline:Stages: expected a section of settings, not a value",
        ], ignoreOrder: true);
    }

    [Fact]
    public void EverySettingOfTheOptions_CanBeSetFromConfiguration()
    {
        // A new option of a type the binder does not know would otherwise be refused only when someone configures it.
        var values = new Dictionary<string, string?>();
        Collect(typeof(FnPipelineOptions), "FnPipeline", values);
        values.Remove("FnPipeline:ImagePullProgress").ShouldBeTrue("a callback, set in code only");

        var section = new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("FnPipeline");

        Should.NotThrow(() => FnPipelineConfigurationBinder.Bind(section, new FnPipelineOptions()));
    }

    [Fact]
    public void Precedence_CodeOverEnvironmentOverSectionOverDefaults()
    {
        const string Json = """{"FnPipeline": {"MaxContainers": 4, "MaxQueuedCalls": 40, "DefaultMemoryMB": 64}}""";
        Func<string, string?> environment = new Dictionary<string, string>
        {
            ["FNPIPELINE_MAX_CONTAINERS"] = "6",
            ["FNPIPELINE_MAX_QUEUED_CALLS"] = "60",
        }.GetValueOrDefault;

        var options = Resolve(Json, environment, configureAfter: o => o.MaxContainers = 8);

        options.MaxContainers.ShouldBe(8);          // code registered after AddFnPipeline
        options.MaxQueuedCalls.ShouldBe(60);        // environment over the section
        options.DefaultMemoryMB.ShouldBe(64);       // the section over the default
        options.PidsLimit.ShouldBe(new FnPipelineOptions().PidsLimit);
    }

    [Fact]
    public void Precedence_TheDelegateOfAddFnPipeline_WinsOverTheEnvironment()
    {
        Func<string, string?> environment = new Dictionary<string, string> { ["FNPIPELINE_MAX_CONTAINERS"] = "6" }.GetValueOrDefault;

        Resolve(json: null, environment, configure: o => o.MaxContainers = 8).MaxContainers.ShouldBe(8);
        Resolve(json: null, environment).MaxContainers.ShouldBe(6);
    }

    [Fact]
    public void Environment_AppliesUnderDependencyInjection_WithoutASection()
    {
        Func<string, string?> environment = new Dictionary<string, string> { ["FNPIPELINE_HOT_IDLE_TIMEOUT_MS"] = "1500" }.GetValueOrDefault;

        var options = Resolve(json: null, environment);

        options.Hot.IdleTimeout.ShouldBe(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public void Environment_MalformedValue_FailsResolutionNamingTheVariable()
    {
        Func<string, string?> environment = new Dictionary<string, string> { ["FNPIPELINE_MAX_CONTAINERS"] = "lots" }.GetValueOrDefault;

        var ex = Should.Throw<FormatException>(() => Resolve(json: null, environment));

        ex.Message.ShouldContain("FNPIPELINE_MAX_CONTAINERS='lots'");
    }

    [Fact]
    public void PublicOverload_BindsTheSection()
    {
        var services = new ServiceCollection().AddFnPipeline(Section("""{"FnPipeline": {"MaxContainers": 3}}"""));

        using var provider = services.BuildServiceProvider();

        // The process environment applies too: only assert what no FNPIPELINE_* variable of a test run sets.
        var options = provider.GetRequiredService<IOptions<FnPipelineOptions>>().Value;
        if (Environment.GetEnvironmentVariable("FNPIPELINE_MAX_CONTAINERS") is null)
        {
            options.MaxContainers.ShouldBe(3);
        }
        else
        {
            options.MaxContainers.ShouldBe(int.Parse(Environment.GetEnvironmentVariable("FNPIPELINE_MAX_CONTAINERS")!, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static FnPipelineOptions Resolve(
        string? json, Func<string, string?>? environment = null, Action<FnPipelineOptions>? configure = null, Action<FnPipelineOptions>? configureAfter = null)
    {
        var services = new ServiceCollection();
        FnPipelineServiceCollectionExtensions.AddFnPipelineCore(
            services, json is null ? null : Section(json), configure, environment ?? NoEnvironment);
        if (configureAfter is not null)
        {
            services.Configure(configureAfter);
        }
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<FnPipelineOptions>>().Value;
    }

    private static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("FnPipeline");

    /// <summary>A valid value for every public setting, by type.</summary>
    private static void Collect(Type type, string prefix, Dictionary<string, string?> values)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType == typeof(IList<string>))
            {
                values[$"{key}:0"] = "item";
            }
            else if (propertyType == typeof(TimeSpan))
            {
                values[key] = "1s";
            }
            else if (propertyType == typeof(bool))
            {
                values[key] = "true";
            }
            else if (propertyType == typeof(int) || propertyType == typeof(long))
            {
                values[key] = "1";
            }
            else if (propertyType == typeof(string))
            {
                values[key] = "text";
            }
            else if (!property.CanWrite && propertyType.Namespace == typeof(FnPipelineOptions).Namespace)
            {
                Collect(propertyType, key, values);
            }
            else
            {
                values[key] = "x";
            }
        }
    }
}
