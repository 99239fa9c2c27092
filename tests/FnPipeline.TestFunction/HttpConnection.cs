using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace FnPipeline.TestFunction;

/// <summary>Serves sequential requests on one kept-alive connection, answering each with a Content-Length.</summary>
internal static class HttpConnection
{
    public const string FdkVersion = "fdk-testfn/1.0";

    public static void Serve(Socket socket, Chatter? chatter)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new RequestReader(stream);
        try
        {
            bool keepAlive = true;
            while (keepAlive && reader.ReadHead() is { } head)
            {
                chatter?.BeginCall();
                try
                {
                    var request = new CallRequest([], head.RequestLine, head.Headers);
                    if (string.Equals(request.GetHeader("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
                    {
                        stream.Write("HTTP/1.1 100 Continue\r\n\r\n"u8);
                    }

                    if (reader.BodyStartsWith(request, "!unread"u8))
                    {
                        // Answer without reading the rest of the body, then close with it unread (as some servers do).
                        Log.Error("answering without reading the request body (!unread)");
                        WriteResponse(stream, request, CallResult.Text("unread"), keepAlive: false);
                        return;
                    }

                    if (reader.BodyStartsWith(request, "!hash\n"u8))
                    {
                        // The body streams through the hash, never held whole.
                        using Stream body = reader.OpenContentBody(request);
                        body.ReadExactly(new byte[6]);
                        keepAlive = WantsKeepAlive(request);
                        WriteResponse(stream, request, new CallResult { Body = StreamingCommands.Hash(body) }, keepAlive);
                        continue;
                    }

                    request = new CallRequest(reader.ReadBody(request), head.RequestLine, head.Headers);
                    keepAlive = WantsKeepAlive(request);
                    if (StreamingCommandOf(request.Body) is { } streaming)
                    {
                        WriteStreaming(stream, request, streaming, keepAlive);
                        continue;
                    }

                    CallResult result = Commands.Execute(request);
                    if (result.ExitCode is int exitCode)
                    {
                        Log.Error($"exiting with code {exitCode} in the middle of a call (!exit)");
                        Console.Out.Flush();
                        Environment.Exit(exitCode);
                    }

                    WriteResponse(stream, request, result, keepAlive);
                }
                finally
                {
                    chatter?.EndCall();
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or FormatException or OverflowException)
        {
            Log.Error($"connection dropped: {e.Message}");
        }
    }

    private static StreamingCommands.Command? StreamingCommandOf(byte[] body)
    {
        int newline = Array.IndexOf(body, (byte)'\n');
        return body.Length > 0 && body[0] == (byte)'!' && newline > 0
            ? StreamingCommands.Parse(Encoding.ASCII.GetString(body, 0, newline))
            : null;
    }

    /// <summary><c>!pattern</c> with its Content-Length, <c>!chunks</c> chunked (each line one chunk, flushed).</summary>
    private static void WriteStreaming(Stream stream, CallRequest request, StreamingCommands.Command command, bool keepAlive)
    {
        bool chunked = command.Name != "pattern";
        var head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        head.Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {command.Count.ToString(CultureInfo.InvariantCulture)}\r\n");
        head.Append("Fn-Fdk-Version: ").Append(FdkVersion).Append("\r\n");
        head.Append("Content-Type: ").Append(command.Name == "pattern" ? "application/octet-stream" : "text/plain").Append("\r\n");
        if (!keepAlive)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        stream.Write(Encoding.Latin1.GetBytes(head.ToString()));
        if (command.Name == "pattern")
        {
            StreamingCommands.WritePattern(command.Count, (block, size) => stream.Write(block, 0, size));
        }
        else
        {
            StreamingCommands.WriteChunks(command.Count, command.DelayMs, line =>
            {
                stream.Write(Encoding.ASCII.GetBytes($"{line.Length:x}\r\n"));
                stream.Write(line);
                stream.Write("\r\n"u8);
                stream.Flush();
            });
            stream.Write("0\r\n\r\n"u8);
        }

        stream.Flush();
    }

    private static bool WantsKeepAlive(CallRequest request)
    {
        string? connection = request.GetHeader("Connection");
        if (connection is not null && connection.Contains("close", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return request.RequestLine!.EndsWith("HTTP/1.1", StringComparison.Ordinal)
            || (connection?.Contains("keep-alive", StringComparison.OrdinalIgnoreCase) ?? false);
    }

    private static void WriteResponse(Stream stream, CallRequest request, CallResult result, bool keepAlive)
    {
        bool gateway = string.Equals(request.GetHeader("Fn-Intent"), "httprequest", StringComparison.OrdinalIgnoreCase);
        int status = gateway ? 200 : result.Status;
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {result.Length}\r\n");
        head.Append("Fn-Fdk-Version: ").Append(FdkVersion).Append("\r\n");
        if (gateway)
        {
            head.Append(CultureInfo.InvariantCulture, $"Fn-Http-Status: {result.Status}\r\n");
        }

        bool hasContentType = false;
        foreach (KeyValuePair<string, string> header in result.Headers)
        {
            hasContentType |= string.Equals(header.Key, "Content-Type", StringComparison.OrdinalIgnoreCase);
            head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        if (!hasContentType)
        {
            head.Append("Content-Type: ").Append(request.GetHeader("Content-Type") ?? "application/octet-stream").Append("\r\n");
        }

        if (!keepAlive)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        stream.Write(Encoding.Latin1.GetBytes(head.ToString()));
        result.WriteBody(stream);
        stream.Flush();
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };
}
