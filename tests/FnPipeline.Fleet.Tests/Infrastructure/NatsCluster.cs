using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using FnPipeline.Testing.Fleet;

namespace FnPipeline.Fleet.Tests.Infrastructure;

/// <summary>
/// Stops servers of the shared cluster of scripts/fleet-up.sh and brings them back with the script itself (which starts
/// only what is missing and waits for full routes and a current JetStream). Only tests of <see cref="NatsOutageCollectionDefinition"/> use it.
/// </summary>
internal static class NatsCluster
{
    private static readonly string RepositoryRoot = typeof(NatsCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(m => m.Key == "RepositoryRoot").Value!;

    /// <summary>SIGKILL to the server (found by fleet-up.sh's pid file, its command line checked), then waits until its port refuses connections.</summary>
    public static async Task KillAsync(FleetNatsServer server)
    {
        var pidFile = $"/run/fnpipeline-fleet/nats-{server.Name}.pid";
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
        var commandLine = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Replace('\0', ' ');
        commandLine.ShouldContain($"nats/{server.Name}.conf", customMessage: $"pid {pid} of {pidFile} is not fleet-up.sh's server {server.Name}");
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }

        await Eventually.HoldsAsync(async () => !await AcceptsAsync(server), TimeSpan.FromSeconds(30), $"{server.Name} no longer accepts connections");
    }

    /// <summary>Runs scripts/fleet-up.sh: every server of the cluster up again, routed, JetStream current.</summary>
    public static async Task UpAsync()
    {
        var info = new ProcessStartInfo("bash", [Path.Join(RepositoryRoot, "scripts", "fleet-up.sh")])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(deadline.Token);
        process.ExitCode.ShouldBe(0, $"scripts/fleet-up.sh failed:\n{await stdout}\n{await stderr}");
    }

    /// <summary>Whether the server's client port accepts a TCP connection.</summary>
    public static async Task<bool> AcceptsAsync(FleetNatsServer server)
    {
        var port = new Uri(server.ClientUrl).Port;
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
