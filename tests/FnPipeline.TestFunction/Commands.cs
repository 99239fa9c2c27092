using System.Collections;
using System.Globalization;
using System.Text;

namespace FnPipeline.TestFunction;

/// <summary>
/// The call protocol. Input that does not start with '!' is echoed. Otherwise the first line is a
/// command and the rest (after the first '\n') is the payload. The full table is in docs/testing.md.
/// </summary>
internal static class Commands
{
    private static readonly List<byte[]> Allocated = [];

    public static CallResult Execute(CallRequest request)
    {
        byte[] input = request.Body;
        if (input.Length == 0 || input[0] != (byte)'!')
        {
            return new CallResult { Body = input };
        }

        int newline = Array.IndexOf(input, (byte)'\n');
        string commandLine = Encoding.UTF8.GetString(input, 1, (newline < 0 ? input.Length : newline) - 1).TrimEnd('\r');
        byte[] payload = newline < 0 ? [] : input[(newline + 1)..];
        string[] words = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string command = words.Length == 0 ? string.Empty : words[0];
        long? argument = words.Length > 1 && long.TryParse(words[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) && parsed >= 0
            ? parsed
            : null;

        return (command, argument) switch
        {
            ("echo", _) => new CallResult { Body = payload },
            ("sleep", long ms) => Sleep(ms, payload),
            ("exit", long code) => new CallResult { Body = payload, ExitCode = (int)code },
            ("bytes", long count) => new CallResult { FillCount = count },
            ("stderr", long lines) => WriteLines(Console.Error, "stderr", lines, payload),
            ("stdout", long lines) => WriteLines(Console.Out, "stdout", lines, payload),
            ("alloc", long megabytes) => Allocate(megabytes),
            ("env", _) => CallResult.Text(DescribeEnvironment()),
            ("crash", _) => Crash(),
            ("status", long code) => Status((int)code, payload, request.IsHttp),
            ("headers", _) => CallResult.Text(DescribeRequest(request)),
            ("unread", _) => CallResult.Text("unread"),
            _ => BadCommand(commandLine, request.IsHttp),
        };
    }

    private static CallResult Sleep(long milliseconds, byte[] payload)
    {
        Thread.Sleep(TimeSpan.FromMilliseconds(milliseconds));
        return new CallResult { Body = payload };
    }

    private static CallResult WriteLines(TextWriter writer, string name, long lines, byte[] payload)
    {
        for (long i = 1; i <= lines; i++)
        {
            writer.WriteLine($"{name} line {i}");
        }

        writer.Flush();
        return new CallResult { Body = payload };
    }

    private static CallResult Allocate(long megabytes)
    {
        for (long i = 0; i < megabytes; i++)
        {
            var block = new byte[1024 * 1024];
            for (int offset = 0; offset < block.Length; offset += 4096)
            {
                block[offset] = 1;
            }

            Allocated.Add(block);
        }

        return CallResult.Text("allocated");
    }

    private static string DescribeEnvironment()
    {
        var lines = new List<string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            lines.Add($"{entry.Key}={entry.Value}");
        }

        lines.Sort(StringComparer.Ordinal);
        return Join(lines);
    }

    private static string DescribeRequest(CallRequest request)
    {
        if (request.RequestLine is null)
        {
            return string.Empty;
        }

        var lines = new List<string> { request.RequestLine };
        foreach (KeyValuePair<string, string> header in request.Headers)
        {
            lines.Add($"{header.Key}: {header.Value}");
        }

        return Join(lines);
    }

    private static CallResult Crash()
    {
        Environment.FailFast("testfn: crashing on purpose (!crash)");
        return new CallResult();
    }

    private static CallResult Status(int code, byte[] payload, bool isHttp)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in Encoding.UTF8.GetString(payload).Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        CallResult text = CallResult.Text($"status {code}");
        return isHttp
            ? new CallResult { Body = text.Body, Status = code, Headers = headers }
            : new CallResult { Body = text.Body, ExitCode = code };
    }

    private static CallResult BadCommand(string commandLine, bool isHttp)
    {
        string message = $"unknown or malformed command '!{commandLine}'";
        Log.Error(message);
        return isHttp
            ? new CallResult { Body = Encoding.UTF8.GetBytes(message), Status = 502 }
            : new CallResult { Body = Encoding.UTF8.GetBytes(message), ExitCode = 64 };
    }

    private static string Join(List<string> lines)
    {
        var text = new StringBuilder();
        foreach (string line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
