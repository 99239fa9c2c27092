using System.Runtime.Versioning;

[assembly: SupportedOSPlatform("linux")]

namespace FnPipeline.TestFunction;

/// <summary>
/// A function for tests: echoes its input, or obeys a command on the first line of the input
/// (see <see cref="Commands"/>). Speaks the default (cold) format and the http-stream (hot) format.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (!StartupOptions.TryParse(args, out StartupOptions? options, out string? error))
        {
            Log.Error(error);
            return 2;
        }

        SignalHandling.Install();

        if (options.ExitAtStart is int exitCode)
        {
            Log.Error($"exiting at start with code {exitCode} (--exit-at-start)");
            return exitCode;
        }

        string? format = Environment.GetEnvironmentVariable("FN_FORMAT");
        if (string.IsNullOrEmpty(format) || string.Equals(format, "default", StringComparison.OrdinalIgnoreCase))
        {
            return DefaultFormat.Run(options);
        }

        if (string.Equals(format, "http-stream", StringComparison.OrdinalIgnoreCase))
        {
            return HttpStreamFormat.Run(options);
        }

        Log.Error($"unsupported FN_FORMAT '{format}' (expected unset, 'default' or 'http-stream')");
        return 2;
    }
}
