using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Benchmarks.Micro;

/// <summary>
/// An in-process http-stream function: Kestrel on a unix socket in a directory of its own, answering
/// <c>POST /call</c> by echoing the body with a Content-Length, as the contract's functions do.
/// </summary>
internal sealed class KestrelUdsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelUdsServer(WebApplication app, string directory)
    {
        _app = app;
        Directory = directory;
    }

    public string Directory { get; }

    public string SocketPath => Path.Combine(Directory, "lsnr.sock");

    public static async Task<KestrelUdsServer> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("fnb-kestrel-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(Path.Combine(directory, "lsnr.sock")));
        var app = builder.Build();
        app.MapPost("/call", EchoAsync);
        await app.StartAsync();
        return new KestrelUdsServer(app, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static async Task EchoAsync(HttpContext context)
    {
        context.Response.ContentLength = context.Request.ContentLength;
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers["Fn-Fdk-Version"] = "fdk-bench/1.0";
        await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
