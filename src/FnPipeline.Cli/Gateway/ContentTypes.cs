using System.Text.Unicode;

namespace FnPipeline.Cli.Gateway;

/// <summary>A Content-Type for output that came with none (default-format functions), guessed as Fn's server did.</summary>
internal static class ContentTypes
{
    public const string Json = "application/json; charset=utf-8";
    public const string Text = "text/plain; charset=utf-8";
    public const string Binary = "application/octet-stream";

    public static string Sniff(ReadOnlySpan<byte> output)
    {
        var start = output.TrimStart(" \t\r\n"u8);
        if (start.Length > 0 && start[0] is (byte)'{' or (byte)'[')
        {
            return Json;
        }

        return Utf8.IsValid(output) && !output.ContainsAnyInRange((byte)0, (byte)8) ? Text : Binary;
    }
}
