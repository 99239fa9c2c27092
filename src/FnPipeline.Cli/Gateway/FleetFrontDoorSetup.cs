using FnPipeline.Fleet;
using FnPipeline.Fleet.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Gateway;

/// <summary>What <c>serve --nats</c> changes in the gateway: its executor (the fleet), its routes and its start.</summary>
internal static class FleetFrontDoorSetup
{
    /// <summary>The executor is a <see cref="FleetExecutor"/> on <paramref name="fleet"/>; the front door's routes come with it.</summary>
    public static void AddServices(IServiceCollection services, FleetOptions fleet)
    {
        services.AddSingleton(fleet);
        services.AddSingleton(provider => new FleetExecutor(fleet, new FleetClientOptions(), provider.GetService<ILoggerFactory>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IFnExecutor>(provider => provider.GetRequiredService<FleetExecutor>());
        services.AddSingleton<FleetFrontDoor>();
    }

    /// <summary>
    /// <c>/invoke/{name}</c> (a detached call is submitted, any other runs as on one machine), <c>/results/{id}</c>
    /// and the fleet's <c>/health</c>.
    /// </summary>
    public static void MapRoutes(WebApplication app, FunctionEndpoints endpoints)
    {
        var frontDoor = app.Services.GetRequiredService<FleetFrontDoor>();
        app.Map("/invoke/{name}", (HttpContext context, string name) =>
            FleetFrontDoor.IsDetached(context.Request) ? frontDoor.SubmitAsync(context, name) : endpoints.InvokeAsync(context, name));
        app.MapGet("/results/{id}", (HttpContext context, string id) => frontDoor.ResultAsync(context, id));
        app.MapGet("/health", (HttpContext context) => frontDoor.HealthAsync(context));
    }

    /// <summary>
    /// Connects to NATS. Unreachable at start is no failure: the front door listens anyway, answers 503 (and /health
    /// 503) until NATS answers, then works without a restart.
    /// </summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var fleet = app.Services.GetRequiredService<FleetExecutor>();
        var options = app.Services.GetRequiredService<FleetOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FnPipeline.Cli.Gateway");
        FrontDoorLog.Started(logger, options.Fleet, options.Url);
        if (await fleet.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false) is { } problem)
        {
            FrontDoorLog.NatsUnreachable(logger, problem);
        }
    }
}
