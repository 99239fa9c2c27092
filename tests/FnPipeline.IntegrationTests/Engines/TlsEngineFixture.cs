using System.Net;
using System.Net.Sockets;
using CliWrap;
using CliWrap.Buffered;
using FnPipeline.IntegrationTests.Infrastructure;
using FnPipeline.Testing.Engine;

namespace FnPipeline.IntegrationTests.Engines;

/// <summary>
/// A second dockerd that serves TLS with client certificates on a loopback TCP port, beside the main engine: its own
/// data root, exec root, pid file and unix socket in a temp directory, no bridge and no iptables (function containers
/// use no network). Its CA, server and client certificates are made here with openssl; a second CA that signed nothing
/// of this engine's is made too, for the wrong-CA test. The test images are loaded from the main engine.
/// </summary>
public sealed class TlsEngineFixture : IAsyncLifetime
{
    private EngineDaemon? _daemon;

    public string Directory { get; } = EngineDaemon.NewDirectory("fnpe-tls");

    /// <summary>ca.pem, cert.pem, key.pem as DOCKER_CERT_PATH wants them.</summary>
    public string CertPath => Path.Join(Directory, "client");

    /// <summary>A client folder whose ca.pem did not sign the engine's certificate.</summary>
    public string WrongCaCertPath => Path.Join(Directory, "wrong-ca");

    public int Port { get; private set; }

    public string Address => $"tcp://127.0.0.1:{Port}";

    public string UnixAddress => "unix://" + Path.Join(Directory, "docker.sock");

    public async Task InitializeAsync()
    {
        EngineDaemon.Require("dockerd");
        await MakeCertificatesAsync();
        Port = FreePort();
        var data = Path.Join(Directory, "data");
        var exec = Path.Join(Directory, "exec");
        System.IO.Directory.CreateDirectory(data);
        System.IO.Directory.CreateDirectory(exec);
        var config = Path.Join(Directory, "daemon.json");
        await File.WriteAllTextAsync(config, "{}");
        var socket = Path.Join(Directory, "docker.sock");
        _daemon = await EngineDaemon.StartAsync(
            "dockerd",
            [
                "--config-file", config, "--data-root", data, "--exec-root", exec, "--pidfile", Path.Join(Directory, "docker.pid"),
                "--host", "unix://" + socket, "--host", Address,
                "--tlsverify", "--tlscacert", Path.Join(Directory, "ca.pem"),
                "--tlscert", Path.Join(Directory, "server-cert.pem"), "--tlskey", Path.Join(Directory, "server-key.pem"),
                "--bridge=none", "--iptables=false", "--ip-masq=false",
            ],
            socket,
            Path.Join(Directory, "dockerd.log"));
        await EngineDaemon.LoadImagesAsync([TestImages.TestFunction, TestImages.Busybox], $"docker -H unix://{socket} load");
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }

        await EngineDaemon.RemoveDirectoryAsync(Directory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task MakeCertificatesAsync()
    {
        EngineDaemon.Require("openssl");
        System.IO.Directory.CreateDirectory(CertPath);
        System.IO.Directory.CreateDirectory(WrongCaCertPath);
        await File.WriteAllTextAsync(Path.Join(Directory, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        await File.WriteAllTextAsync(Path.Join(Directory, "client.ext"), "extendedKeyUsage=clientAuth\n");
        string[][] steps =
        [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=fnpipeline-test-ca"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "server-cert.pem", "-days", "2", "-extfile", "server.ext"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client/key.pem", "-out", "client.csr", "-subj", "/CN=fnpipeline-test-client"],
            ["x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "client/cert.pem", "-days", "2", "-extfile", "client.ext"],
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "wrong-ca/ca-key.pem", "-out", "wrong-ca/ca.pem", "-days", "2", "-subj", "/CN=fnpipeline-other-ca"],
        ];
        foreach (var step in steps)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var result = await Cli.Wrap("openssl").WithArguments(step).WithWorkingDirectory(Directory)
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl {string.Join(' ', step)} failed: {result.StandardError}");
            }
        }

        File.Copy(Path.Join(Directory, "ca.pem"), Path.Join(CertPath, "ca.pem"));
        // The wrong-CA folder keeps the real client certificate: only the engine's check differs.
        File.Copy(Path.Join(CertPath, "cert.pem"), Path.Join(WrongCaCertPath, "cert.pem"));
        File.Copy(Path.Join(CertPath, "key.pem"), Path.Join(WrongCaCertPath, "key.pem"));
    }
}
