namespace FnPipeline.TestFunction;

/// <summary>The default (cold) format: all of stdin is the input, stdout the output, the exit code the status.</summary>
internal static class DefaultFormat
{
    public static int Run(StartupOptions options)
    {
        if (options.NeverListen)
        {
            Log.Error("never reading input (--never-listen)");
            Thread.Sleep(Timeout.Infinite);
        }

        byte[] input;
        using (Stream stdin = Console.OpenStandardInput())
        using (var buffer = new MemoryStream())
        {
            stdin.CopyTo(buffer);
            input = buffer.ToArray();
        }

        CallResult result = Commands.Execute(new CallRequest(input, requestLine: null, headers: []));
        Console.Out.Flush();
        using (Stream stdout = Console.OpenStandardOutput())
        {
            result.WriteBody(stdout);
            stdout.Flush();
        }

        return result.ExitCode ?? 0;
    }
}
