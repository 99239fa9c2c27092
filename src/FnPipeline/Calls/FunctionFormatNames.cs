namespace FnPipeline;

/// <summary>The names formats go by outside the code (the <c>fnpipeline.format</c> label, metric tags), as in Fn.</summary>
internal static class FunctionFormatNames
{
    public const string Default = "default";

    public const string HttpStream = "http-stream";

    public static string Of(FunctionFormat format) => format == FunctionFormat.HttpStream ? HttpStream : Default;
}
