namespace FnPipeline.Cli.Progress;

/// <summary>Whether a standard stream is an interactive terminal that can show a progress bar.</summary>
internal static class TerminalDetection
{
    public static bool IsTerminal(bool redirected) =>
        !redirected &&
        Environment.GetEnvironmentVariable("TERM") is not "dumb" &&
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) &&
        !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
