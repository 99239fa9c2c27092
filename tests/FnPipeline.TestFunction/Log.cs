namespace FnPipeline.TestFunction;

/// <summary>Diagnostics of the test function itself: one line on stderr, prefixed "testfn: ".</summary>
internal static class Log
{
    public static void Error(string message) => Console.Error.WriteLine("testfn: " + message);
}
