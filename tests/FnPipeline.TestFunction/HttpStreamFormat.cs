using System.Net.Sockets;

namespace FnPipeline.TestFunction;

/// <summary>The http-stream (hot) format: HTTP/1.1 calls over the unix socket named by FN_LISTENER.</summary>
internal static class HttpStreamFormat
{
    private const string UnixPrefix = "unix:";

    public static int Run(StartupOptions options)
    {
        string? listener = Environment.GetEnvironmentVariable("FN_LISTENER");
        if (listener is null || !listener.StartsWith(UnixPrefix, StringComparison.Ordinal) || listener.Length == UnixPrefix.Length)
        {
            Log.Error($"FN_LISTENER must be 'unix:<path>', got '{listener}'");
            return 2;
        }

        if (options.NeverListen)
        {
            Log.Error("never listening (--never-listen)");
            Thread.Sleep(Timeout.Infinite);
        }

        if (options.DanglingSymlink || options.RegularFile)
        {
            SocketBinder.MakeBrokenListener(listener[UnixPrefix.Length..], options);
            Thread.Sleep(Timeout.Infinite);
        }

        Chatter? chatter = options.Chatty ? Chatter.Start() : null;
        using Socket listenSocket = SocketBinder.Bind(listener[UnixPrefix.Length..], options);
        while (true)
        {
            using Socket connection = listenSocket.Accept();
            HttpConnection.Serve(connection, chatter);
        }
    }
}
