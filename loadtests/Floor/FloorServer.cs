using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FnPipeline.LoadTests.Floor;

/// <summary>
/// The HTTP floor: a bare Kestrel endpoint (<c>POST /echo</c>) that reads the body and writes it back with its length,
/// nothing else (no logging, no metrics). Run as a child process of the load test (<c>--floor-server URL</c>), as
/// <c>fnpipe serve</c> is, so that both servers are processes of their own beside the same client.
/// </summary>
internal static class FloorServer
{
    public const string Argument = "--floor-server";
    public const string ListeningPrefix = "floor: listening on ";

    public static async Task<int> RunAsync(string url)
    {
        await using var app = Build(url);
        await app.StartAsync();
        foreach (var address in app.Urls)
        {
            Console.WriteLine(ListeningPrefix + address);
        }

        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The echo server on <paramref name="url"/> (port 0: a free one), not started.</summary>
    public static WebApplication Build(string url)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/echo", EchoAsync);
        return app;
    }

    private static async Task EchoAsync(HttpContext context)
    {
        var length = (int)(context.Request.ContentLength ?? 0);
        var body = new byte[length];
        await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted);
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}
