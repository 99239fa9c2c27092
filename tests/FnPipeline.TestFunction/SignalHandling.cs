using System.Runtime.InteropServices;

namespace FnPipeline.TestFunction;

/// <summary>
/// The function usually runs as PID 1, where a signal without a handler is ignored: exit on
/// SIGTERM and SIGINT explicitly, with the shell's 128 + signal convention.
/// </summary>
internal static class SignalHandling
{
    private static readonly List<PosixSignalRegistration> Registrations = [];

    public static void Install()
    {
        Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Exit(context, 143)));
        Registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Exit(context, 130)));
    }

    private static void Exit(PosixSignalContext context, int exitCode)
    {
        context.Cancel = true;
        Log.Error($"received {context.Signal}, exiting with code {exitCode}");
        Environment.Exit(exitCode);
    }
}
