namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>The images scripts/build-images.sh builds offline (docs/testing.md).</summary>
public static class TestImages
{
    public const string Busybox = "fnpipeline/busybox:latest";

    public const string TestFunction = "fnpipeline/testfn:latest";

    public static IReadOnlyList<string> All { get; } = [Busybox, TestFunction];
}
