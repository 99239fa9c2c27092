using System.CommandLine;
using FnPipeline.Cli.Gateway;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Commands;

/// <summary><c>fnpipe serve</c>: the HTTP gateway over a functions file.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var functions = new Option<FileInfo>("--functions", "-F")
        {
            Description = "Functions file (JSON, or YAML by extension .yaml/.yml) listing each function's name, image, format, limits and config; see docs/functions-file.md.",
            Required = true,
        };
        var urls = new Option<string[]>("--urls", "-u")
        {
            Description = "Address(es) to listen on (repeatable, or ';'-separated). Port 0 picks a free port; the chosen address is printed on stdout.",
            DefaultValueFactory = _ => ["http://127.0.0.1:8080"],
            Arity = ArgumentArity.OneOrMore,
        };
        var maxRequest = new Option<long>("--max-request-bytes")
        {
            Description = "Largest request body accepted; a larger one gets 413 with a JSON message. Default 16 MiB.",
            DefaultValueFactory = _ => GatewaySettings.DefaultMaxRequestBytes,
            CustomParser = CliParsers.WholeNumber(1, "bytes"),
        };
        var retryAfter = new Option<int>("--retry-after")
        {
            Description = "Seconds given in the Retry-After header of 503 (too busy) responses. Default 15, as Fn.",
            DefaultValueFactory = _ => GatewaySettings.DefaultRetryAfterSeconds,
        };
        var errorStderr = new Option<int>("--error-stderr-bytes")
        {
            Description = "How many bytes of a failed call's stderr (its tail) the error body carries as \"stderr\"; 0 leaves stderr out",
            DefaultValueFactory = _ => GatewaySettings.DefaultErrorStderrBytes,
        };
        errorStderr.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--error-stderr-bytes must be 0 (off) or more");
            }
        });
        var streamHold = new Option<int>("--stream-hold-ms")
        {
            Description = "How long (ms) an output that began is held (up to 64 KiB) before the 200 is committed and the rest streams; a call that ends within it gets its real status. 0: stream from the first byte. Default 100.",
            DefaultValueFactory = _ => (int)GatewaySettings.DefaultStreamHold.TotalMilliseconds,
        };
        streamHold.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--stream-hold-ms must be 0 (stream at once) or more");
            }
        });
        var warmUp = new Option<WarmUpMode>("--warm-up")
        {
            Description = "Before the listening line: 'gateway' (default) sends requests that call no function (/health, /metrics, a 404) so the request path is compiled; " +
                "'hot' also calls every http-stream function once with an empty body, starting its first container; 'off'. Default: " +
                WarmUpModes.EnvironmentVariable + ", else gateway.",
            DefaultValueFactory = DefaultWarmUp,
            CustomParser = result => WarmUpModes.TryParse(result.Tokens.Count == 1 ? result.Tokens[0].Value : null, out var mode)
                ? mode
                : Fail(result),
        };
        var idleTrim = new Option<long>("--idle-trim-ms")
        {
            Description = "After work, once the gateway has been idle this long (ms), return the memory the work left behind to the system " +
                "(one compacting collection per idle period); 0: never. Default: " + IdleTrimVariable + ", else 10000.",
            DefaultValueFactory = DefaultIdleTrim,
            CustomParser = CliParsers.WholeNumber(0, "milliseconds"),
        };
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Log level on stderr: Trace, Debug, Information, Warning, Error, None. Default Information (one line per failed call; Debug adds one per successful call).",
            DefaultValueFactory = _ => LogLevel.Information,
        };

        var nats = NatsCliOptions.ForServe();
        var serve = new Command("serve", "Run the HTTP gateway: POST /invoke/{name} calls a function of the functions file " +
            "(errors are JSON {\"message\": ...} with status 400, 404, 413, 502, 503 + Retry-After, 504; every response carries " +
            "Fn-Call-Id, and Server-Timing unless streamed); /t/{name}/{path} is an HTTP trigger (Fn-Http-* mapping for http-stream functions); " +
            "GET /health; GET /metrics (Prometheus text). Ctrl-C drains in-flight calls and removes every container. With --nats " +
            "it is the front door of a fleet on NATS (no engine here): calls go to the fleet's nodes, Fn-Invoke-Type: detached " +
            "is answered 202 with the call id, GET /results/{id} answers its result (docs/fleet.md).")
        {
            functions, urls, maxRequest, retryAfter, errorStderr, streamHold, warmUp, idleTrim, logLevel,
        };
        foreach (var option in nats.All)
        {
            serve.Options.Add(option);
        }

        serve.Validators.Add(result =>
        {
            if (result.GetValue(nats.Url) is null && nats.All.Skip(1).FirstOrDefault(o => result.GetResult(o) is { Implicit: false }) is { } stray)
            {
                result.AddError($"{stray.Name} applies to the fleet's front door: add --nats URL");
            }
        });
        serve.SetAction((parseResult, cancellationToken) =>
        {
            var settings = new GatewaySettings
            {
                Urls = parseResult.GetValue(urls)!.SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
                MaxRequestBytes = parseResult.GetValue(maxRequest),
                RetryAfterSeconds = parseResult.GetValue(retryAfter),
                ErrorStderrBytes = parseResult.GetValue(errorStderr),
                StreamHold = TimeSpan.FromMilliseconds(parseResult.GetValue(streamHold)),
                Fleet = parseResult.GetValue(nats.Url) is null ? null : nats.Read(parseResult),
                WarmUp = parseResult.GetValue(warmUp),
                IdleTrimAfter = TimeSpan.FromMilliseconds(parseResult.GetValue(idleTrim)),
            };
            return ServeRunner.RunAsync(parseResult.GetRequiredValue(functions).FullName, settings, parseResult.GetValue(logLevel), cancellationToken);
        });
        return serve;
    }

    private static WarmUpMode DefaultWarmUp(System.CommandLine.Parsing.ArgumentResult result)
    {
        try
        {
            return WarmUpModes.FromEnvironment();
        }
        catch (FormatException e)
        {
            result.AddError(e.Message);
            return WarmUpModes.Default;
        }
    }

    /// <summary>The variable that sets the default of <c>--idle-trim-ms</c>.</summary>
    public const string IdleTrimVariable = "FNPIPELINE_SERVE_IDLE_TRIM_MS";

    private static long DefaultIdleTrim(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = Environment.GetEnvironmentVariable(IdleTrimVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (long)GatewaySettings.DefaultIdleTrimAfter.TotalMilliseconds;
        }

        if (long.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        result.AddError($"{IdleTrimVariable}='{text}' is not a whole number of milliseconds (0: never)");
        return 0;
    }

    private static WarmUpMode Fail(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"--warm-up must be off, gateway or hot (got '{string.Join(" ", result.Tokens.Select(t => t.Value))}')");
        return WarmUpModes.Default;
    }
}
