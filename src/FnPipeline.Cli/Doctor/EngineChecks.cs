using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet;

namespace FnPipeline.Cli.Doctor;

/// <summary>The engine's checks: reachable, version and API version, images present.</summary>
internal sealed class EngineChecks(Uri endpoint, string? minimumVersion) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly DockerClient _client = new DockerClientBuilder().WithEndpoint(endpoint).Build();

    public async Task<DoctorCheck> PingAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await _client.System.PingAsync(timeout.Token).ConfigureAwait(false);
            return DoctorCheck.Ok("engine", $"{endpoint} answers");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DoctorCheck.Fail("engine", $"{endpoint} did not answer within {Timeout.TotalSeconds:F0} s",
                "the engine is stuck or overloaded: look at its log (/var/log/fnpipeline/dockerd.log when scripts/docker-up.sh started it) or restart it");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or DockerApiException or UnauthorizedAccessException)
        {
            return Unreachable(e);
        }
    }

    public async Task<DoctorCheck> VersionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await _client.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var found = $"Docker {version.Version}, API {version.APIVersion} ({version.Os}/{version.Arch})";
            if (minimumVersion is null)
            {
                return DoctorCheck.Ok("version", $"{found}; no minimum required (FNPIPELINE_MIN_DOCKER_VERSION is empty)");
            }

            return IsAtLeast(version.Version ?? "", minimumVersion)
                ? DoctorCheck.Ok("version", $"{found}; at least {minimumVersion} required")
                : DoctorCheck.Fail("version", $"{found} is older than {minimumVersion}",
                    "upgrade the engine (Debian: apt-get install docker.io), or lower FNPIPELINE_MIN_DOCKER_VERSION at your own risk");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or DockerApiException)
        {
            return DoctorCheck.Fail("version", $"the engine did not tell its version: {e.Message}", "check the engine's log");
        }
    }

    public async Task<DoctorCheck> ImageAsync(string image, CancellationToken cancellationToken = default)
    {
        if (ImageReference.Problem(image) is { } problem)
        {
            return DoctorCheck.Fail("image", $"'{image}' {problem}", "write it as [registry/]name[:tag][@digest], in lower case");
        }

        try
        {
            var inspect = await _client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            var id = inspect.ID is { Length: > 19 } full ? full[..19] : inspect.ID;
            return DoctorCheck.Ok("image", string.Create(CultureInfo.InvariantCulture, $"{image} is present ({id}, {inspect.Size / (1024.0 * 1024.0):F1} MiB)"));
        }
        catch (DockerImageNotFoundException)
        {
            var fix = image.StartsWith("fnpipeline/", StringComparison.Ordinal)
                ? "build the sample images offline: sudo bash scripts/build-images.sh"
                : $"pull it now: docker pull {image} (or let the first call pull it, when its registry is reachable)";
            return DoctorCheck.Fail("image", $"{image} is not on the engine", fix);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or DockerApiException)
        {
            return DoctorCheck.Fail("image", $"{image}: the engine failed to inspect it: {e.Message}", "check the engine's log");
        }
    }

    public void Dispose() => _client.Dispose();

    private DoctorCheck Unreachable(Exception e)
    {
        var reason = Reason(e);
        var socketPath = endpoint.Scheme == "unix" ? endpoint.AbsolutePath : null;
        string fix;
        if (socketPath is not null && !File.Exists(socketPath))
        {
            fix = $"no engine socket at {socketPath}: start an engine (as root: bash scripts/docker-up.sh installs and starts dockerd), " +
                  "or point DOCKER_HOST or FNPIPELINE_DOCKER_ENDPOINT at a running one";
        }
        else if (reason.Contains("denied", StringComparison.OrdinalIgnoreCase) || e is UnauthorizedAccessException)
        {
            fix = $"this user may not use {socketPath ?? endpoint.ToString()}: run fnpipe as root, or add the user to the 'docker' group and log in again";
        }
        else
        {
            fix = "the engine is not running or not listening there: start it (as root: bash scripts/docker-up.sh), or fix DOCKER_HOST / FNPIPELINE_DOCKER_ENDPOINT";
        }

        return DoctorCheck.Fail("engine", $"{endpoint} is unreachable: {reason}", fix);
    }

    private static string Reason(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (!messages.Exists(m => m.Contains(current.Message, StringComparison.Ordinal)))
            {
                messages.Add(current.Message.TrimEnd('.'));
            }
        }

        return string.Join(": ", messages);
    }

    private static bool IsAtLeast(string found, string minimum)
    {
        static Version? Parse(string text)
        {
            var end = 0;
            while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.'))
            {
                end++;
            }

            return Version.TryParse(text[..end].Trim('.'), out var version) ? version : null;
        }

        return Parse(found) is not { } have || Parse(minimum) is not { } need || have >= need;
    }
}
