using System.Net;
using System.Net.Sockets;

namespace FnPipeline.Fleet.Tests.Async;

/// <summary>A callback receiver on loopback (HttpListener): records each request and answers what the test says.</summary>
internal sealed class CallbackListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public CallbackListener()
    {
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/callback/");
        _listener.Prefixes.Add(Url.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    /// <summary>The answer to request number <c>index</c> (0-based); 200 when unset.</summary>
    public Func<ReceivedCallback, int, Task<HttpStatusCode>>? OnRequest { get; set; }

    /// <summary>Completed as requests arrive, in order.</summary>
    public TaskCompletionSource<ReceivedCallback>[] Requests { get; } =
        [.. Enumerable.Range(0, 8).Select(_ => new TaskCompletionSource<ReceivedCallback>(TaskCreationOptions.RunContinuationsAsynchronously))];

    public void Dispose()
    {
        _listener.Close();
        _ = _loop;
    }

    private async Task LoopAsync()
    {
        for (var index = 0; ; index++)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            var received = new ReceivedCallback(context.Request.HttpMethod, headers.GetValueOrDefault("Fn-Call-Id", ""), headers, await reader.ReadToEndAsync());
            var status = OnRequest is { } answer ? await answer(received, index) : HttpStatusCode.OK;
            context.Response.StatusCode = (int)status;
            context.Response.Close();
            if (index < Requests.Length)
            {
                Requests[index].TrySetResult(received);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed record ReceivedCallback(string Method, string CallId, IReadOnlyDictionary<string, string> Headers, string Body);
