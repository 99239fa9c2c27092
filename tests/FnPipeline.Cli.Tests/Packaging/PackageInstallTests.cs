using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CliWrap;
using CliWrap.Buffered;
using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Packaging;

/// <summary>
/// The packages as a new user gets them: <c>dotnet pack</c> of the solution into a folder feed makes the library, the fleet
/// package and the tool, and nothing else; a fresh console app restores <c>FnPipeline</c> from the .nupkg, is configured only from
/// appsettings.json (Generic Host + <c>AddFnPipeline(section)</c>) and runs a cold and a hot call on the engine; the
/// <c>fnpipe</c> tool installs from the same feed and runs a call. The packages' metadata (id, description, licence,
/// readme, repository, XML docs, tool command, symbols with their sources) is read from the .nupkg/.snupkg files.
/// </summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed partial class PackageInstallTests : IDisposable
{
    // Generous: a loaded 2-core CI machine has taken minutes to build; each step is bounded on its own.
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private readonly string _work = Directory.CreateTempSubdirectory("fnpipe-package-test-").FullName;

    /// <summary>A version no machine has cached, so that restore can only take the package just packed.</summary>
    private readonly string _version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    [Fact]
    public async Task PackedPackages_InstallIntoAFreshAppAndAsATool_AndRunCalls()
    {
        var feed = Path.Combine(_work, "feed");
        await PackSolutionAsync(feed);

        Directory.GetFiles(feed).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(
        [
            $"FnPipeline.{_version}.nupkg",
            $"FnPipeline.{_version}.snupkg",
            $"FnPipeline.Cli.{_version}.nupkg",
            $"FnPipeline.Cli.{_version}.snupkg",
            $"FnPipeline.Fleet.{_version}.nupkg",
            $"FnPipeline.Fleet.{_version}.snupkg",
        ]);

        AssertPackageMetadata(feed);

        var app = Path.Combine(_work, "app");
        await WriteFreshAppAsync(app, feed);
        await RunAsync("dotnet", ["build", "-c", "Release", ..NoServers], app, BuildTimeout, "restore and build of the fresh app");

        var instance = $"pkg{Environment.ProcessId}";
        await WriteAppSettingsAsync(app, instance);
        var run = await RunAsync("dotnet", ["bin/Release/net10.0/FreshApp.dll"], app, RunTimeout, "the fresh app");
        run.StandardOutput.ShouldContain($"instance: {instance}");
        run.StandardOutput.ShouldContain("max containers: 3");
        run.StandardOutput.ShouldContain("hot idle timeout: 00:00:20");
        run.StandardOutput.ShouldContain("cold: Success 'cold hello from the package'");
        run.StandardOutput.ShouldContain("hot: Success 'hot hello from the package'");

        var tools = Path.Combine(_work, "tools");
        await RunAsync("dotnet", ["tool", "install", "FnPipeline.Cli", "--version", _version, "--tool-path", tools], app, BuildTimeout,
            "dotnet tool install from the folder feed");
        var fnpipe = Path.Combine(tools, "fnpipe");
        var version = await RunAsync(fnpipe, ["--version"], app, RunTimeout, "fnpipe --version");
        // --no-build packs the assemblies this test run built: the tool reports their version (the package's is the test's).
        version.StandardOutput.Trim().ShouldBe(FileVersionInfo.GetVersionInfo(Fnpipe.DllPath).ProductVersion);

        var call = await RunAsync(fnpipe, ["invoke", TestImages.TestFunction, .. TestRun.LabelArguments], app, RunTimeout,
            "fnpipe invoke from the installed tool", input: "hello from the tool");
        call.StandardOutput.ShouldBe("hello from the tool");
    }

    /// <summary>
    /// What a package page and a debugger show: id, description, licence, readme, the repository (type and commit), the XML
    /// docs of the libraries, the tool's package type and command, and symbol packages whose PDBs carry the sources.
    /// </summary>
    private void AssertPackageMetadata(string feed)
    {
        foreach (var (id, assembly, folder, isTool) in new[]
                 {
                     ("FnPipeline", "FnPipeline", "lib/net10.0/", false),
                     ("FnPipeline.Fleet", "FnPipeline.Fleet", "lib/net10.0/", false),
                     ("FnPipeline.Cli", "fnpipe", "tools/net10.0/any/", true),
                 })
        {
            using var package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{_version}.nupkg"));
            var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            var nuspec = Nuspec(package, id);
            // The schema version of the namespace follows the features used: read it from the document.
            XName NuspecName(string name) => nuspec.Name.Namespace + name;
            var metadata = nuspec.Element(NuspecName("metadata"));
            metadata.ShouldNotBeNull($"{id}: the nuspec's metadata");
            string? Text(string name) => metadata.Element(NuspecName(name))?.Value;

            Text("id").ShouldBe(id);
            Text("version").ShouldBe(_version);
            Text("description").ShouldNotBeNullOrWhiteSpace($"{id}: description");
            Text("authors").ShouldNotBeNullOrWhiteSpace($"{id}: authors");
            metadata.Element(NuspecName("license"))?.Attribute("type")?.Value.ShouldBe("expression", $"{id}: licence");
            Text("license").ShouldBe("Apache-2.0", $"{id}: licence");
            Text("readme").ShouldBe("README.md", $"{id}: readme");
            entries.ShouldContain("README.md", $"{id}: the readme file");
            var repository = metadata.Element(NuspecName("repository"));
            repository.ShouldNotBeNull($"{id}: repository");
            repository.Attribute("type")?.Value.ShouldBe("git", $"{id}: repository type");
            repository.Attribute("commit")?.Value.ShouldMatch("^[0-9a-f]{40}$", $"{id}: repository commit");
            entries.ShouldContain($"{folder}{assembly}.dll");
            if (isTool)
            {
                metadata.Element(NuspecName("packageTypes"))!.Elements(NuspecName("packageType"))
                    .Select(t => t.Attribute("name")?.Value).ShouldContain("DotnetTool");
                using var settings = package.GetEntry($"{folder}DotnetToolSettings.xml")!.Open();
                XDocument.Load(settings).Descendants("Command").Single().Attribute("Name")?.Value.ShouldBe("fnpipe");
            }
            else
            {
                entries.ShouldContain($"{folder}{assembly}.xml", $"{id}: XML docs");
            }

            using var symbols = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{_version}.snupkg"));
            var pdb = symbols.GetEntry($"{folder}{assembly}.pdb");
            pdb.ShouldNotBeNull($"{id}: symbols");
            EmbeddedSourceFiles(pdb).ShouldBeGreaterThan(0, $"{id}: the PDB carries its sources (no public source server to link to)");
        }
    }

    private static XElement Nuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream).Root!;
    }

    /// <summary>Documents of the portable PDB whose source is embedded (custom debug information "EmbeddedSource").</summary>
    private static int EmbeddedSourceFiles(ZipArchiveEntry pdb)
    {
        var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
        using var buffer = new MemoryStream();
        using (var stream = pdb.Open())
        {
            stream.CopyTo(buffer);
        }

        buffer.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(buffer);
        var reader = provider.GetMetadataReader();
        return reader.Documents.Count(document => reader.GetCustomDebugInformation(document)
            .Any(handle => reader.GetGuid(reader.GetCustomDebugInformation(handle).Kind) == embeddedSource));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; the test's own outcome matters.
        }
    }

    /// <summary>
    /// The solution as CI built it (<c>--no-build</c>: the test run already built src/ in Release, and rebuilding it
    /// with another version would change files other test projects may be copying).
    /// </summary>
    private async Task PackSolutionAsync(string feed) =>
        await RunAsync("dotnet", ["pack", "FnPipeline.sln", "-c", "Release", "--no-build", "-o", feed, $"-p:Version={_version}", .. NoServers],
            Fnpipe.RepositoryRoot, PackTimeout, "dotnet pack of the solution");

    private async Task WriteFreshAppAsync(string app, string feed)
    {
        Directory.CreateDirectory(app);
        // Stops MSBuild's search for Directory.*.props in the folders above the temp folder.
        await File.WriteAllTextAsync(Path.Combine(_work, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_work, "Directory.Packages.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), await NuGetConfigAsync(feed));
        await File.WriteAllTextAsync(Path.Combine(app, "FreshApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="FnPipeline" Version="{_version}" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="{RepositoryPackageVersion("Microsoft.Extensions.Hosting")}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using FnPipeline;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using Microsoft.Extensions.Options;

            var builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddFnPipeline(builder.Configuration.GetSection("FnPipeline"));
            var host = builder.Build();
            // Disposed asynchronously: the executor drains and removes its containers.
            await using var disposeHost = (IAsyncDisposable)host;
            await host.StartAsync();

            var options = host.Services.GetRequiredService<IOptions<FnPipelineOptions>>().Value;
            Console.WriteLine($"instance: {options.InstanceId}");
            Console.WriteLine($"max containers: {options.MaxContainers}");
            Console.WriteLine($"hot idle timeout: {options.Hot.IdleTimeout}");

            var labels = builder.Configuration.GetSection("Calls:Labels").GetChildren().ToDictionary(l => l.Key, l => l.Value ?? "");
            var executor = host.Services.GetRequiredService<IFnExecutor>();
            var failed = false;
            foreach (var (lane, format) in new[] { ("cold", FunctionFormat.Default), ("hot", FunctionFormat.HttpStream) })
            {
                using var result = await executor.InvokeAsync(new FunctionCall
                {
                    Image = builder.Configuration["Calls:Image"]!,
                    Format = format,
                    Labels = labels,
                    Input = CallInput.FromString($"{lane} hello from the package"),
                });
                Console.WriteLine($"{lane}: {result.Status} '{(result.IsSuccess ? result.OutputAsString() : result.Error)}'");
                failed |= !result.IsSuccess;
            }

            await host.StopAsync();
            return failed ? 1 : 0;
            """);
    }

    /// <summary>Everything FnPipeline is told comes from here; the call's image and labels from the app's own section.</summary>
    private static async Task WriteAppSettingsAsync(string app, string instance)
    {
        var settings = new
        {
            FnPipeline = new { InstanceId = instance, MaxContainers = 3, DefaultTimeout = "30s", Hot = new { IdleTimeout = "20s", StartTimeout = "60s" } },
            Calls = new
            {
                Image = TestImages.TestFunction,
                Labels = new Dictionary<string, string> { ["fnpipeline.test"] = "1", [TestRun.RunLabelKey] = TestRun.Id },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(app, "appsettings.json"), JsonSerializer.Serialize(settings));
    }

    /// <summary>
    /// The folder feed added to whatever sources the machine's NuGet configuration has (no &lt;clear/&gt;: NuGet merges
    /// this file with the user's and the machine's). Packages go to a folder of this test, so the packed version
    /// is never left in the machine's cache; what the machine's package folder already holds is used from there.
    /// </summary>
    private async Task<string> NuGetConfigAsync(string feed)
    {
        var locals = await RunAsync("dotnet", ["nuget", "locals", "global-packages", "--list"], _work, RunTimeout, "dotnet nuget locals");
        var machinePackages = GlobalPackagesLine().Match(locals.StandardOutput) is { Success: true } m ? m.Groups[1].Value.Trim() : null;
        var configuration = new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", Path.Combine(_work, "packages")))),
            new XElement("packageSources", new XElement("add", new XAttribute("key", "fnpipeline-test-feed"), new XAttribute("value", feed))));
        if (machinePackages is not null)
        {
            configuration.Add(new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machinePackages))));
        }

        return configuration.ToString();
    }

    /// <summary>The version Directory.Packages.props pins, so the fresh app uses what the repository's builds restored.</summary>
    private static string RepositoryPackageVersion(string id) =>
        XDocument.Load(Path.Combine(Fnpipe.RepositoryRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == id).Attribute("Version")!.Value;

    /// <summary>No build servers: a node or compiler server left running would outlive the test and hold its pipes.</summary>
    private static readonly string[] NoServers = ["-nodeReuse:false", "-p:UseSharedCompilation=false"];

    private static async Task<BufferedCommandResult> RunAsync(
        string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, string what, string? input = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        var command = CliWrap.Cli.Wrap(program)
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(env =>
            {
                env.Set("DOTNET_NOLOGO", "1");
                env.Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
                env.Set("MSBUILDDISABLENODEREUSE", "1");
                env.Set("DOTNET_CLI_USE_MSBUILD_SERVER", "0");
                // dotnet test's own MSBuild settings would steer a nested build to its SDK paths.
                foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
                {
                    env.Set(name, null);
                }

                // The fresh app is configured from its appsettings.json only: no FNPIPELINE_* variable of this run reaches it.
                foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("FNPIPELINE_", StringComparison.Ordinal)))
                {
                    env.Set(name, null);
                }
            })
            .WithValidation(CommandResultValidation.None);
        if (input is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromString(input));
        }

        BufferedCommandResult result;
        try
        {
            result = await command.ExecuteBufferedAsync(Encoding.UTF8, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} ({program} {string.Join(' ', arguments)}) did not finish within {timeout}");
        }

        result.ExitCode.ShouldBe(0,
            $"{what} ({program} {string.Join(' ', arguments)}) failed:\n{result.StandardOutput}\n{result.StandardError}");
        return result;
    }

    [GeneratedRegex(@"global-packages:\s*(.+)")]
    private static partial Regex GlobalPackagesLine();
}
