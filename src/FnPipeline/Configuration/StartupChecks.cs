using Microsoft.Extensions.Options;

namespace FnPipeline;

/// <summary>
/// The checks of the options that touch the disk, run once when the executor is created (validation itself reads no
/// file): the socket base directory exists and is writable, the image tarball exists. Reported like validation
/// problems, in an <see cref="OptionsValidationException"/> naming the option.
/// </summary>
internal static class StartupChecks
{
    public static void ThrowIfUnusable(ExecutorSettings settings)
    {
        var problems = Problems(settings);
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FnPipelineOptions), problems);
        }
    }

    public static List<string> Problems(ExecutorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        if (settings.Driver.ImageLoadFile is { } file && !File.Exists(file))
        {
            problems.Add($"ImageLoadFile '{file}' does not exist");
        }

        var directory = settings.Hot.SocketBaseDirectory;
        if (!Directory.Exists(directory))
        {
            problems.Add($"Hot.SocketBaseDirectory '{directory}' does not exist");
        }
        else if (!IsWritable(directory))
        {
            problems.Add($"Hot.SocketBaseDirectory '{directory}' is not writable");
        }

        return problems;
    }

    private static bool IsWritable(string directory)
    {
        try
        {
            var probe = Path.Join(directory, $".fnpipeline-probe-{Guid.NewGuid():N}");
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
