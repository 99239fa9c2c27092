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
            // The first line decides whether the call streams (StreamingCommands) or reads all of its input first.
            byte[] firstLine = ReadFirstLine(stdin);
            if (firstLine.Length > 0 && firstLine[0] == (byte)'!' && firstLine[^1] == (byte)'\n' &&
                StreamingCommands.Parse(System.Text.Encoding.ASCII.GetString(firstLine, 0, firstLine.Length - 1)) is { } command)
            {
                return RunStreaming(command, stdin);
            }

            buffer.Write(firstLine);
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

    private static int RunStreaming(StreamingCommands.Command command, Stream stdin)
    {
        using Stream stdout = Console.OpenStandardOutput();
        switch (command.Name)
        {
            case "hash":
                stdout.Write(StreamingCommands.Hash(stdin));
                break;
            case "pattern":
                StreamingCommands.WritePattern(command.Count, (block, size) => stdout.Write(block, 0, size));
                break;
            default:
                StreamingCommands.WriteChunks(command.Count, command.DelayMs, line =>
                {
                    stdout.Write(line);
                    stdout.Flush();
                });
                break;
        }

        stdout.Flush();
        return 0;
    }

    /// <summary>Up to the first '\n' (included) or 256 bytes or the end, one byte at a time so nothing more is consumed.</summary>
    private static byte[] ReadFirstLine(Stream stdin)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 256 && stdin.Read(one, 0, 1) == 1)
        {
            line.Add(one[0]);
            if (one[0] == (byte)'\n' || (line.Count == 1 && one[0] != (byte)'!'))
            {
                break;
            }
        }

        return [.. line];
    }
}
