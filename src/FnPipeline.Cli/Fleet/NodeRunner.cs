using FnPipeline.Cli.Functions;
using FnPipeline.Cli.Hosting;
using FnPipeline.Cli.Invoke;
using FnPipeline.Docker.Engine;
using FnPipeline.Fleet;
using FnPipeline.Fleet.Async;
using FnPipeline.Fleet.Node;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FnPipeline.Cli.Fleet;

/// <summary>
/// <c>fnpipe node</c>: a Generic Host with the executor (<c>AddFnPipeline</c>, this machine's engine) and a
/// <see cref="FleetNode"/> hosted service on it (<c>AddFnPipelineFleetNode</c>), which also hosts the asynchronous
/// worker. It checks the engine (and the functions file's images), joins the fleet, prints
/// <c>fnpipe: node ID joined fleet ...</c> on stdout and runs until SIGTERM/SIGINT; then the node drains (no new
/// call; the running ones finish up to the drain timeout) and the executor removes every container.
/// </summary>
internal static class NodeRunner
{
    /// <summary>The grace after the node's drain for the executor to remove its containers.</summary>
    private static readonly TimeSpan RemovalGrace = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(NodeSettings settings, FleetOptions fleet, LogLevel logLevel, CancellationToken cancellationToken = default)
    {
        FunctionsFile? functions;
        FnPipelineOptions options;
        try
        {
            functions = settings.FunctionsPath is { } path ? FunctionsFile.Load(path) : null;
            options = ExecutorSetup.CreateOptions();
            FleetOptionsValidation.ThrowIfInvalid(fleet);
            FleetNodeOptionsValidation.ThrowIfInvalid(NodeOptions(settings, options, engineVersion: null));
        }
        catch (FunctionsFileException e)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Usage, e.Message).ConfigureAwait(false);
        }
        catch (FormatException e) when (e.InnerException is FnPipeline.Docker.Engine.EngineDiscoveryException)
        {
            // A wrong DOCKER_HOST, DOCKER_CONTEXT or TLS folder: said as fnpipe invoke and serve say it.
            return await InvokeRunner.FailAsync(ExitCodes.Usage, $"cannot find the Docker engine: {e.Message}").ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Usage, $"invalid FNPIPELINE_* setting: {e.Message}").ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Usage, $"invalid node settings: {string.Join("; ", e.Failures)}").ConfigureAwait(false);
        }

        var engineVersion = await CheckEngineAsync(options, functions, logLevel, cancellationToken).ConfigureAwait(false);
        if (engineVersion.Problem is { } problem)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Engine, problem).ConfigureAwait(false);
        }

        int exitCode;
        string nodeId;
        using (var host = Build(settings, fleet, options, engineVersion.Version, logLevel))
        {
            (exitCode, nodeId) = await RunAsync(host, options, cancellationToken).ConfigureAwait(false);
        }

        if (exitCode == ExitCodes.Success)
        {
            // After the host's disposal: the executor has removed its containers.
            await Console.Error.WriteLineAsync($"fnpipe: node {nodeId} stopped").ConfigureAwait(false);
        }

        return exitCode;
    }

    private static async Task<(int ExitCode, string NodeId)> RunAsync(IHost host, FnPipelineOptions options, CancellationToken cancellationToken)
    {
        IFnExecutor executor;
        FleetNode node;
        try
        {
            executor = host.Services.GetRequiredService<IFnExecutor>();
            node = host.Services.GetRequiredService<FleetNode>();
        }
        catch (OptionsValidationException e)
        {
            return (await InvokeRunner.FailAsync(ExitCodes.Usage, $"invalid settings: {string.Join("; ", e.Failures)}").ConfigureAwait(false), "");
        }

        try
        {
            await executor.StartAsync(cancellationToken).ConfigureAwait(false);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FnConfigurationException e)
        {
            return (await InvokeRunner.FailAsync(ExitCodes.Usage, e.Message).ConfigureAwait(false), "");
        }
        catch (FnEngineException e) when (e.Message.StartsWith("Fleet node", StringComparison.Ordinal))
        {
            await StopQuietlyAsync(host).ConfigureAwait(false);
            return (await InvokeRunner.FailAsync(ExitCodes.Engine, e.Message).ConfigureAwait(false), "");
        }
#pragma warning disable CA1031 // Every start-up failure of the engine is reported the same way, with the way out.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            await StopQuietlyAsync(host).ConfigureAwait(false);
            return (await InvokeRunner.FailAsync(ExitCodes.Engine,
                $"cannot use the Docker engine at {ExecutorSetup.ResolveEndpoint(options)}: {InvokeRunner.Innermost(e)}. Run 'fnpipe doctor' for what to do.").ConfigureAwait(false), "");
        }

        var fleet = host.Services.GetRequiredService<FleetOptions>();
        await Console.Out.WriteLineAsync(
            $"fnpipe: node {node.NodeId} joined fleet '{fleet.Fleet}' on {fleet.Url}: {node.Capacity} places, asynchronous calls {(node.RunsAsyncCalls ? "on" : "off")}").ConfigureAwait(false);
        await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);

        // SIGTERM/SIGINT stop the host: the node drains (FleetNode.StopAsync), then disposing the host disposes the
        // executor, which removes every container it made.
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return (ExitCodes.Success, node.NodeId);
    }

    private static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Already failing: the first failure is the one reported.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static IHost Build(NodeSettings settings, FleetOptions fleet, FnPipelineOptions options, string? engineVersion, LogLevel logLevel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);

        var node = NodeOptions(settings, options, engineVersion);

        // The host's stop waits for the node's drain, then the executor's removals.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = node.DrainTimeout + RemovalGrace);
        builder.Services.AddSingleton(fleet);
        builder.Services.AddFnPipeline(executor =>
        {
            ExecutorSetup.ApplyEnvironment(executor);
            executor.CheckEngineOnStart = false; // checked above, with fnpipe's own message
        });
        builder.Services.AddFnPipelineFleetNode(
            configureFleet: f => Copy(fleet, f),
            configureNode: n => Copy(node, n));
        return builder.Build();
    }

    /// <summary>The node's options: capacity, hot idle time and drain from the executor's settings unless given.</summary>
    private static FleetNodeOptions NodeOptions(NodeSettings settings, FnPipelineOptions options, string? engineVersion) => new()
    {
        NodeId = settings.NodeId,
        MaxInFlight = settings.MaxInFlight > 0 ? settings.MaxInFlight : options.MaxContainers,
        HotIdleTimeout = options.Hot.IdleTimeout,
        DrainTimeout = options.DrainTimeout,
        EngineEndpoint = ExecutorSetup.ResolveEndpoint(options).ToString(),
        EngineVersion = engineVersion,
        AsyncCalls = settings.AsyncCalls ? new FleetAsyncOptions { Replicas = settings.AsyncReplicas } : null,
    };

    /// <summary>The engine's version, or why the engine cannot be used; warns of each image of the file not on it.</summary>
    private static async Task<(string? Version, string? Problem)> CheckEngineAsync(
        FnPipelineOptions options, FunctionsFile? functions, LogLevel logLevel, CancellationToken cancellationToken)
    {
        using var probe = new EngineProbeService(options);
        var status = await probe.CheckAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        if (status.Identity is not { } identity || status.Problem is not null)
        {
            var problem = status.Problem!;
            return (null, $"cannot use the Docker engine at {status.Endpoint.Address}: {problem.Message}. Fix: {problem.Fix}");
        }

        if (functions is not null && logLevel <= LogLevel.Warning)
        {
            using var images = new Doctor.EngineChecks(options);
            if (await images.ProbeAsync([], cancellationToken).ConfigureAwait(false))
            {
                foreach (var image in functions.Functions.Select(f => f.Image).Distinct(StringComparer.Ordinal))
                {
                    var check = await images.ImageAsync(image, cancellationToken).ConfigureAwait(false);
                    if (check.Outcome != Doctor.CheckOutcome.Ok)
                    {
                        await Console.Error.WriteLineAsync($"fnpipe: warning: {check.Detail} ({check.Fix})").ConfigureAwait(false);
                    }
                }
            }
        }

        return (identity.ProductVersion, null);
    }

    private static void Copy(FleetOptions from, FleetOptions to)
    {
        to.Url = from.Url;
        to.Fleet = from.Fleet;
        to.User = from.User;
        to.Password = from.Password;
        to.Token = from.Token;
        to.NKeyFile = from.NKeyFile;
        to.CredsFile = from.CredsFile;
        to.TlsCaFile = from.TlsCaFile;
        to.TlsCertFile = from.TlsCertFile;
        to.TlsKeyFile = from.TlsKeyFile;
        to.ConnectTimeout = from.ConnectTimeout;
        to.ClientName = from.ClientName;
    }

    private static void Copy(FleetNodeOptions from, FleetNodeOptions to)
    {
        to.NodeId = from.NodeId;
        to.MaxInFlight = from.MaxInFlight;
        to.HotIdleTimeout = from.HotIdleTimeout;
        to.DrainTimeout = from.DrainTimeout;
        to.EngineEndpoint = from.EngineEndpoint;
        to.EngineVersion = from.EngineVersion;
        to.AsyncCalls = from.AsyncCalls;
    }
}
