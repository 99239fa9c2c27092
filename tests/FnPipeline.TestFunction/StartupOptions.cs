using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FnPipeline.TestFunction;

/// <summary>Command-line flags that change how the function starts (mostly for hot-start tests).</summary>
internal sealed class StartupOptions
{
    /// <summary>Never bind the socket (http-stream) or read stdin (default format); sleep forever.</summary>
    public bool NeverListen { get; private set; }

    /// <summary>Print a line to stderr and exit with this code before doing anything else.</summary>
    public int? ExitAtStart { get; private set; }

    /// <summary>Bind <c>lsnr.sock</c> itself instead of a temporary name plus a relative symlink.</summary>
    public bool DirectBind { get; private set; }

    /// <summary>Make <c>lsnr.sock</c> a symlink to an absolute path (which the contract forbids).</summary>
    public bool BadSymlink { get; private set; }

    /// <summary>Make <c>lsnr.sock</c> a relative symlink to <c>lsnr.sock.tmp</c> and never bind it (a dangling link).</summary>
    public bool DanglingSymlink { get; private set; }

    /// <summary>Make <c>lsnr.sock</c> a regular file (not a socket).</summary>
    public bool RegularFile { get; private set; }

    /// <summary>Print a line to stdout and stderr every 200 ms while no call is running.</summary>
    public bool Chatty { get; private set; }

    public static bool TryParse(
        string[] args,
        [NotNullWhen(true)] out StartupOptions? options,
        [NotNullWhen(false)] out string? error)
    {
        var parsed = new StartupOptions();
        options = null;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--never-listen":
                    parsed.NeverListen = true;
                    break;
                case "--direct-bind":
                    parsed.DirectBind = true;
                    break;
                case "--bad-symlink":
                    parsed.BadSymlink = true;
                    break;
                case "--dangling-symlink":
                    parsed.DanglingSymlink = true;
                    break;
                case "--regular-file":
                    parsed.RegularFile = true;
                    break;
                case "--chatty":
                    parsed.Chatty = true;
                    break;
                case "--exit-at-start":
                    if (i + 1 >= args.Length
                        || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int code))
                    {
                        error = "--exit-at-start needs an integer exit code";
                        return false;
                    }

                    parsed.ExitAtStart = code;
                    i++;
                    break;
                default:
                    error = $"unknown argument '{args[i]}' (known: --never-listen, --exit-at-start N, --direct-bind, --bad-symlink, --dangling-symlink, --regular-file, --chatty)";
                    return false;
            }
        }

        if ((parsed.DirectBind ? 1 : 0) + (parsed.BadSymlink ? 1 : 0) + (parsed.DanglingSymlink ? 1 : 0) + (parsed.RegularFile ? 1 : 0) > 1)
        {
            error = "--direct-bind, --bad-symlink, --dangling-symlink and --regular-file exclude each other";
            return false;
        }

        options = parsed;
        return true;
    }
}
