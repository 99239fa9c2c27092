using FnPipeline.IntegrationTests.Infrastructure;
using FnPipeline.Testing.Engine;

namespace FnPipeline.IntegrationTests.Engines;

/// <summary>
/// Podman's Docker-compatible service (Debian's podman, <c>podman system service</c>) on a socket of its own, with its
/// own storage (<c>--root</c>, <c>--runroot</c>) in a temp directory, cgroupfs and file events (no systemd here). Its
/// default ulimits are set within this machine's limits (podman's own defaults exceed them and every start fails).
/// The test images are loaded from the main engine.
/// </summary>
public sealed class PodmanFixture : IAsyncLifetime
{
    private const string CatatonitPath = "/usr/libexec/podman/catatonit";

    private EngineDaemon? _daemon;

    public string Directory { get; } = EngineDaemon.NewDirectory("fnpe-pod");

    public string Address => "unix://" + Path.Join(Directory, "podman.sock");

    private string[] GlobalArguments =>
    [
        "--root", Path.Join(Directory, "root"), "--runroot", Path.Join(Directory, "run"),
        "--cgroup-manager", "cgroupfs", "--events-backend", "file",
    ];

    public async Task InitializeAsync()
    {
        EngineDaemon.Require("podman");
        // Podman's --init binary (FnPipeline starts containers with --init): only recommended by Debian's podman, so a
        // minimal install lacks it and every container start would fail with a message about the init binary.
        if (!File.Exists(CatatonitPath))
        {
            throw new InvalidOperationException(
                $"catatonit is not installed ({CatatonitPath} is missing): run 'bash scripts/engine-tools.sh' as root (scripts/test.sh does).");
        }

        var config = Path.Join(Directory, "containers.conf");
        await File.WriteAllTextAsync(config, "[containers]\ndefault_ulimits = [\"nofile=4096:4096\", \"nproc=4096:4096\"]\n");
        var environment = new Dictionary<string, string> { ["CONTAINERS_CONF"] = config };
        await EngineDaemon.LoadImagesAsync(
            [TestImages.TestFunction, TestImages.Busybox],
            $"CONTAINERS_CONF={config} podman {string.Join(' ', GlobalArguments)} load");
        var socket = Path.Join(Directory, "podman.sock");
        _daemon = await EngineDaemon.StartAsync(
            "podman", [.. GlobalArguments, "system", "service", "--time=0", "unix://" + socket], socket, Path.Join(Directory, "podman.log"), environment);
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        await EngineDaemon.RemoveDirectoryAsync(Directory);
    }
}
