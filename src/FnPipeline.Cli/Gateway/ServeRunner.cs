using FnPipeline.Cli.Functions;
using FnPipeline.Cli.Hosting;
using FnPipeline.Cli.Invoke;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FnPipeline.Cli.Gateway;

/// <summary>
/// Loads the functions file, reaches the engine, starts Kestrel, prints <c>fnpipe: listening on URL</c> on stdout, and
/// runs until SIGINT/SIGTERM; then stops taking requests and disposes the executor (drain, remove every container).
/// The drain timeout bounds the wait for in-flight calls; the calls it cuts are answered 503 (docs/cli.md).
/// </summary>
internal static class ServeRunner
{
    public static async Task<int> RunAsync(string functionsPath, GatewaySettings settings, LogLevel logLevel, CancellationToken cancellationToken = default)
    {
        FunctionsFile functions;
        FnPipelineOptions options;
        try
        {
            functions = FunctionsFile.Load(functionsPath);
            options = ExecutorSetup.CreateOptions();
        }
        catch (FunctionsFileException e)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Usage, e.Message).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Usage, $"invalid FNPIPELINE_* setting: {e.Message}").ConfigureAwait(false);
        }

        // The executor's settings: the library's defaults, then the FNPIPELINE_* variables (read above, where a malformed
        // one is a usage error). Building the host creates the executor: a value out of range, or a wrong DOCKER_HOST,
        // DOCKER_CONTEXT, context or TLS folder, is said in one line as fnpipe invoke says it, not as an unhandled exception.
        WebApplication app;
        try
        {
            app = GatewayHost.Build(settings, functions, executorOptions => ExecutorSetup.ApplyEnvironment(executorOptions), logLevel);
        }
        catch (OptionsValidationException e)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Usage, $"invalid executor settings: {string.Join("; ", e.Failures)}").ConfigureAwait(false);
        }
        catch (FnPipeline.Docker.Engine.EngineDiscoveryException e)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Usage, $"cannot find the Docker engine: {e.Message}").ConfigureAwait(false);
        }

        await using (app.ConfigureAwait(false))
        {
            return await RunAsync(app, functions, settings, options, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunAsync(WebApplication app, FunctionsFile functions, GatewaySettings settings, FnPipelineOptions options, CancellationToken cancellationToken)
    {
        IFnExecutor executor;
        try
        {
            executor = app.Services.GetRequiredService<IFnExecutor>();
        }
        catch (OptionsValidationException e)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Usage, $"invalid executor settings: {string.Join("; ", e.Failures)}").ConfigureAwait(false);
        }

        try
        {
            if (settings.Fleet is not null)
            {
                await FleetFrontDoorSetup.StartAsync(app, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await executor.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (FnConfigurationException e)
        {
            // The pre-fork pool's pull read the registry credentials: their configuration is at fault, not the engine.
            return await InvokeRunner.FailAsync(ExitCodes.Usage, e.Message).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every start-up failure of the engine is reported the same way, with the way out.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return await InvokeRunner.FailAsync(ExitCodes.Engine,
                $"cannot use the Docker engine at {ExecutorSetup.ResolveEndpoint(options)}: {InvokeRunner.Innermost(e)}. Run 'fnpipe doctor' for what to do.").ConfigureAwait(false);
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            return await InvokeRunner.FailAsync(ExitCodes.Usage, $"cannot listen on {string.Join(", ", settings.Urls)}: {InvokeRunner.Innermost(e)}").ConfigureAwait(false);
        }

        var addresses = GatewayHost.Addresses(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FnPipeline.Cli.Gateway");
        await WarmUpAsync(addresses, functions, settings.WarmUp, logger, cancellationToken).ConfigureAwait(false);
        foreach (var address in addresses)
        {
            await Console.Out.WriteLineAsync($"fnpipe: listening on {address}").ConfigureAwait(false);
        }

        await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        var listening = string.Join(", ", addresses);
        GatewayLog.Listening(logger, listening, functions.Functions.Count, functions.Path);

        // The drain starts with the stop, not after Kestrel's: Kestrel waits for in-flight requests, and only the
        // executor's drain timeout ends them (answered 503). The container's disposal then waits for the removals.
        Task drained = Task.CompletedTask;
        using (app.Lifetime.ApplicationStopping.Register(() =>
        {
            GatewayLog.Stopping(logger);
            // The fleet's client is not drained here: its calls run on the nodes, and Kestrel's stop waits for their
            // answers; the container disposes it afterwards.
            drained = settings.Fleet is null ? executor.DisposeAsync().AsTask() : Task.CompletedTask;
        }))
        {
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await drained.ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>The warm-up (docs/cli.md) before the listening line: callers that wait for it find the path compiled.</summary>
    private static async Task WarmUpAsync(IReadOnlyList<string> addresses, FunctionsFile functions, WarmUpMode mode, ILogger logger, CancellationToken cancellationToken)
    {
        if (mode == WarmUpMode.Off)
        {
            return;
        }

        if (GatewayWarmUp.LoopbackAddress(addresses) is not { } address)
        {
            GatewayLog.WarmUpSkipped(logger, mode, addresses);
            return;
        }

        try
        {
            var outcome = await GatewayWarmUp.RunAsync(address, functions, mode, logger, cancellationToken).ConfigureAwait(false);
            GatewayLog.WarmedUp(logger, mode, outcome.Elapsed.TotalMilliseconds, outcome.Requests, outcome.CallsSucceeded, outcome.Calls, outcome.RepeatCalls);
        }
        catch (HttpRequestException e)
        {
            // The warm-up only saves the first callers time: the gateway serves without it.
            GatewayLog.WarmUpFailed(logger, mode, address.ToString(), e.Message);
        }
    }
}
