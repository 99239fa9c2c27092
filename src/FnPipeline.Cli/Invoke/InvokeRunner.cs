using System.Diagnostics;
using FnPipeline.Cli.Hosting;
using FnPipeline.Cli.Progress;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FnPipeline.Cli.Invoke;

/// <summary>
/// Runs one call on a fresh executor: output to stdout as soon as the result is in, then the executor is disposed
/// (the container is removed), then the report (with the cleanup time) goes to stderr, or everything as JSON.
/// </summary>
internal static class InvokeRunner
{
    public static async Task<int> RunAsync(InvokeRequest request, CancellationToken cancellationToken = default)
    {
        FnPipelineOptions options;
        try
        {
            options = ExecutorSetup.CreateOptions();
        }
        catch (FormatException e)
        {
            return await FailAsync(ExitCodes.Usage, $"invalid FNPIPELINE_* setting: {e.Message}").ConfigureAwait(false);
        }

        // Refused before the engine is reached: a bad call says what is wrong even where no engine runs.
        var problems = FunctionCallValidator.Validate(request.ToCall(CallInput.Empty));
        if (problems.Count > 0)
        {
            return await FailAsync(ExitCodes.Usage, new InvalidFunctionCallException(request.Image, problems).Message).ConfigureAwait(false);
        }

        using var signals = new TerminationSignals(cancellationToken);
        var progress = PullProgressDisplay.Create(Console.Error, TerminalDetection.IsTerminal(Console.IsErrorRedirected));
        await using (progress.ConfigureAwait(false))
        {
            options.ImagePullProgress = progress;
            using var loggerFactory = ExecutorSetup.CreateLoggerFactory(request.Verbose ? LogLevel.Debug : LogLevel.None);
            return await RunAsync(request, options, loggerFactory, progress, signals).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunAsync(
        InvokeRequest request, FnPipelineOptions options, ILoggerFactory loggerFactory, PullProgressDisplay progress, TerminationSignals signals)
    {
        FnExecutor? executor = null;
        InvocationResult? result = null;
        try
        {
#pragma warning disable CA2000 // Disposed (DisposeAsync) before the report, and in finally on every other path.
            executor = FnExecutor.Create(options, loggerFactory);
#pragma warning restore CA2000
            if (await StartAsync(executor, options, signals.Token).ConfigureAwait(false) is { } startFailed)
            {
                return startFailed;
            }

            var started = Stopwatch.GetTimestamp();
            (result, var callFailed) = await CallAsync(executor, request, signals.Token).ConfigureAwait(false);
            if (result is null)
            {
                return callFailed;
            }

            var total = Stopwatch.GetElapsedTime(started);
            await progress.CompleteAsync().ConfigureAwait(false);
            if (!request.Json)
            {
                await WriteOutputAsync(result.Output, CancellationToken.None).ConfigureAwait(false);
            }

            // Disposal drains the executor: the container is removed and the cleanup timing known.
            await executor.DisposeAsync().ConfigureAwait(false);
            executor = null;

            // Not the signal's token: an interrupted call is reported too (status cancelled, exit code 130).
            return await ReportAsync(request, result, total, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            return await FailAsync(ExitCodes.Usage, $"invalid executor settings: {string.Join("; ", e.Failures)}").ConfigureAwait(false);
        }
        catch (FnPipeline.Docker.Engine.EngineDiscoveryException e)
        {
            // DOCKER_HOST, DOCKER_CONTEXT, a context or its TLS files are wrong: a settings problem, one line, no stack trace.
            return await FailAsync(ExitCodes.Usage, $"cannot find the Docker engine: {e.Message}").ConfigureAwait(false);
        }
        finally
        {
            result?.Dispose();
            if (executor is not null)
            {
                await executor.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The call's result, or the exit code of why there is none (invalid call, engine failure).</summary>
    private static async Task<(InvocationResult? Result, int ExitCode)> CallAsync(FnExecutor executor, InvokeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return (await executor.InvokeAsync(request.ToCall(Input()), cancellationToken).ConfigureAwait(false), ExitCodes.Success);
        }
        catch (InvalidFunctionCallException e)
        {
            return (null, await FailAsync(ExitCodes.Usage, e.Message).ConfigureAwait(false));
        }
        catch (FnConfigurationException e)
        {
            return (null, await FailAsync(ExitCodes.Usage, e.Message).ConfigureAwait(false));
        }
        catch (FnEngineException e)
        {
            return (null, await FailAsync(ExitCodes.Engine, $"engine failure: {e.Message}").ConfigureAwait(false));
        }
    }

    /// <summary>The report on stderr, or the JSON document on stdout; returns the exit code the call's status maps to.</summary>
    private static async Task<int> ReportAsync(InvokeRequest request, InvocationResult result, TimeSpan total, CancellationToken cancellationToken = default)
    {
        var exitCode = ExitCodes.For(result);
        if (request.Json)
        {
            await InvokeJson.WriteAsync(Console.OpenStandardOutput(), result, total, exitCode, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await InvokeReport.WriteAsync(Console.Error, result, total, exitCode, cancellationToken).ConfigureAwait(false);
        }

        return exitCode;
    }

    /// <summary>Reaches the engine before the call, so that an engine problem reads as one (exit 6), not as a call failure.</summary>
    private static async Task<int?> StartAsync(FnExecutor executor, FnPipelineOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await executor.StartAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(ExitCodes.Cancelled, "interrupted before the call started").ConfigureAwait(false);
        }
        catch (FnConfigurationException e)
        {
            // The pre-fork pool's pull read the registry credentials: their configuration is at fault, not the engine.
            return await FailAsync(ExitCodes.Usage, e.Message).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any start-up failure (unreachable socket, API error, old engine) is reported the same way.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var endpoint = SafeEndpoint(options);
            return await FailAsync(ExitCodes.Engine, $"cannot use the Docker engine at {endpoint}: {Innermost(e)}. Run 'fnpipe doctor' for what to do.").ConfigureAwait(false);
        }
    }

    private static CallInput Input() =>
        // Without redirected stdin there is no input: reading a terminal would wait for the user to type Ctrl-D.
        Console.IsInputRedirected ? CallInput.FromStream(Console.OpenStandardInput()) : CallInput.Empty;

    private static async Task WriteOutputAsync(ReadOnlyMemory<byte> output, CancellationToken cancellationToken = default)
    {
        var stdout = Console.OpenStandardOutput();
        await using (stdout.ConfigureAwait(false))
        {
            await stdout.WriteAsync(output, cancellationToken).ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes why fnpipe stops, then gives its exit code. Takes no token: the message must reach the user even after a signal.</summary>
    internal static async Task<int> FailAsync(int exitCode, string message)
    {
        await Console.Error.WriteLineAsync($"fnpipe: {message}").ConfigureAwait(false);
        return exitCode;
    }

    private static string SafeEndpoint(FnPipelineOptions options)
    {
        try
        {
            return ExecutorSetup.ResolveEndpoint(options).ToString();
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>The exception's message and its inner ones that add something (sockets hide the reason inside).</summary>
    internal static string Innermost(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null && messages.Count < 4; current = current.InnerException)
        {
            var message = current.Message.TrimEnd('.');
            if (message.Length > 0 && !messages.Exists(m => m.Contains(message, StringComparison.Ordinal)))
            {
                messages.Add(message);
            }
        }

        return string.Join(": ", messages);
    }
}
