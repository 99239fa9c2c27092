namespace FnPipeline.HotPool;

/// <summary>The span names of a hot call's stages (the launch stages share the cold pipeline's names).</summary>
internal static class HotStageNames
{
    public const string Acquire = "acquire";
    public const string EnsureImage = "ensure-image";
    public const string CreateContainer = "create-container";
    public const string AttachStart = "attach-and-start";
    public const string SocketWait = "socket-wait";
    public const string HttpRoundTrip = "http-round-trip";
}
