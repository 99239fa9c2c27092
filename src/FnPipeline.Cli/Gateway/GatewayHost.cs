using FnPipeline.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using FnPipeline.Cli.Functions;
using FnPipeline.Cli.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FnPipeline.Cli.Gateway;

/// <summary>The Kestrel gateway of <c>fnpipe serve</c>: minimal-API routes over one executor.</summary>
internal static class GatewayHost
{
    /// <summary>
    /// Builds the gateway (not started). The executor is registered with <c>AddFnPipeline(configureExecutor)</c>, as any
    /// host's is, created by the container and disposed with it.
    /// </summary>
    public static WebApplication Build(GatewaySettings settings, FunctionsFile functions, Action<FnPipelineOptions> configureExecutor, LogLevel logLevel)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(configureExecutor);

        // What the gateway itself reads of the executor's settings (drain timeout, endpoint): the same configuration.
        var options = new FnPipelineOptions();
        configureExecutor(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The routes enforce MaxRequestBytes themselves, so that the answer is the contract's JSON 413.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);

        // ASP.NET Core's hosting starts an Activity (and a log scope) for every request as long as this category logs at
        // any level, even when nothing listens to the spans; its lines are request start/finish (Information and Debug).
        // Off, a request gets an Activity only when traces are exported (docs/performance.md, HTTP floor).
        builder.Logging.AddFilter(AspNetCoreHostingDiagnostics, LogLevel.None);

        // The standard console settings apply (Logging:Console:FormatterName json, simple or systemd, e.g. the
        // environment variable Logging__Console__FormatterName=json); without one, single-line simple. The host's
        // defaults configure the simple formatter after the configuration is bound (ClearProviders keeps that), so
        // the configured name is applied last.
        var formatterName = builder.Configuration["Logging:Console:FormatterName"];
        builder.Logging.AddConsole();
        builder.Services.PostConfigure<ConsoleLoggerOptions>(console =>
        {
            console.LogToStandardErrorThreshold = LogLevel.Trace;
            console.FormatterName = string.IsNullOrWhiteSpace(formatterName) ? ConsoleFormatterNames.Simple : formatterName.Trim();
        });
        builder.Services.Configure<SimpleConsoleFormatterOptions>(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });

        var services = builder.Services;

        // The executor cuts the calls still running at DrainTimeout and answers them 503; Kestrel (whose graceful stop
        // ends with the host's) must keep their connections until those answers are written.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout(options));
        services.AddSingleton(settings);
        services.AddSingleton(functions);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(FnPipelineMeter.Name, GatewayMetrics.MeterName)
                // Scrapes read the instruments as they are now (the exporter's default caches a scrape for 300 ms).
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        if (ExportsTraces(builder.Configuration))
        {
            // Only then: with no listener the executor's spans cost nothing. The exporter reads the standard OTEL_*
            // variables (endpoint, protocol, headers, batch delay) itself.
            // ASP.NET Core's request span is the call span's parent: without a listener on it, it would be created
            // unsampled and take the executor's spans down with it.
            telemetry.WithTracing(tracing => tracing
                .AddSource(AspNetCoreActivitySource, FnPipelineTelemetry.ActivitySourceName)
                .AddOtlpExporter());
        }

        if (settings.Fleet is { } fleet)
        {
            // The fleet's front door: the executor is the fleet (docs/fleet.md, "Clients"); no engine here.
            FleetFrontDoorSetup.AddServices(services, fleet);
        }
        else
        {
            // The executor as any host gets it (docs/embedding.md), with its health check behind /health. Serve starts the
            // executor itself before it listens (ServeRunner, with its own message), so the hosted start-up check is off.
            services.AddFnPipeline(executor =>
            {
                configureExecutor(executor);
                executor.CheckEngineOnStart = false;
            });
        }

        // The answers log under FunctionEndpoints' category (ILogger<FunctionEndpoints>): one gateway log category for calls.
        services.AddSingleton<CallAnswers>();
        services.AddSingleton<StreamingAnswer>();
        services.AddSingleton<FunctionEndpoints>();
        services.AddHostedService<IdleMemoryTrim>();

        var app = builder.Build();
        MapRoutes(app);
        return app;
    }

    /// <summary>The OpenTelemetry resource's <c>service.name</c> of the gateway's traces and metrics.</summary>
    public const string ServiceName = "fnpipe";

    /// <summary>The log category of ASP.NET Core's per-request hosting diagnostics.</summary>
    private const string AspNetCoreHostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The activity source of ASP.NET Core's hosting (one span per request).</summary>
    private const string AspNetCoreActivitySource = "Microsoft.AspNetCore";

    /// <summary>Traces go out over OTLP when the standard endpoint variable names a collector.</summary>
    public static bool ExportsTraces(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    /// <summary>Time the answers of calls cut at the drain timeout get before Kestrel closes their connections.</summary>
    public static readonly TimeSpan AnswerGrace = TimeSpan.FromSeconds(5);

    /// <summary>The host's (and so Kestrel's) shutdown timeout: the executor's drain, then the answers' grace.</summary>
    public static TimeSpan ShutdownTimeout(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DrainTimeout + AnswerGrace;
    }

    /// <summary>The addresses Kestrel listens on once started (port 0 resolved).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
    }

    private static void MapRoutes(WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<FunctionEndpoints>();
        if (app.Services.GetRequiredService<GatewaySettings>().Fleet is not null)
        {
            FleetFrontDoorSetup.MapRoutes(app, endpoints);
        }
        else
        {
            app.Map("/invoke/{name}", (HttpContext context, string name) => endpoints.InvokeAsync(context, name));
            app.MapGet("/health", HealthAsync);
        }

        app.Map("/t/{name}/{**path}", (HttpContext context, string name) => endpoints.TriggerAsync(context, name));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapFallback((HttpContext context, GatewaySettings settings) => GatewayResponses.WriteErrorAsync(
            context.Response,
            StatusCodes.Status404NotFound,
            $"No route for {context.Request.Method} {context.Request.Path}: use POST /invoke/{{name}}, /t/{{name}}/..., GET /health or GET /metrics",
            settings.RetryAfterSeconds,
            context.RequestAborted));
    }

    private static async Task HealthAsync(HttpContext context, HealthCheckService health, IFnExecutor executor, FunctionsFile functions)
    {
        var report = await health.CheckHealthAsync(r => r.Name == EngineHealthCheck.Name, context.RequestAborted).ConfigureAwait(false);
        var engine = report.Entries[EngineHealthCheck.Name];
        var healthy = engine.Status == HealthStatus.Healthy;
        var body = new HealthBody(
            healthy ? "ok" : "unhealthy",
            healthy ? "reachable" : "unreachable",
            executor.InstanceId,
            functions.Functions.Count,
            healthy ? null : engine.Description);
        context.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await context.Response.WriteAsJsonAsync(body, GatewayJsonContext.Readable.HealthBody, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    }
}
