namespace FnPipeline.Testing.Engine;

/// <summary>The images scripts/build-images.sh builds (offline, from root filesystems) for tests, bench and load tests.</summary>
public static class TestImages
{
    /// <summary>Debian's static busybox with its applets in /bin; CMD ["/bin/sh"].</summary>
    public const string Busybox = "fnpipeline/busybox:latest";

    /// <summary>The NativeAOT test function (tests/FnPipeline.TestFunction); ENTRYPOINT ["/testfn"]. Protocol: docs/testing.md.</summary>
    public const string TestFunction = "fnpipeline/testfn:latest";

    /// <summary>An echo function on the real Node FDK (@fnproject/fdk); http-stream only.</summary>
    public const string NodeFdk = "fnpipeline/node-fdk:latest";

    /// <summary>The busybox image in the local registry of scripts/registry-up.sh (not kept on the engine).</summary>
    public const string RegistryBusybox = "127.0.0.1:5000/fnpipeline/busybox:latest";

    /// <summary>What the engine fixture requires before any engine test runs.</summary>
    public static IReadOnlyList<string> All { get; } = [Busybox, TestFunction, NodeFdk];
}
