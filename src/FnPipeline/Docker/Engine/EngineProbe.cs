using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Docker.DotNet;
using VersionResponse = Docker.DotNet.Models.VersionResponse;

namespace FnPipeline.Docker.Engine;

/// <summary>
/// The one engine check that the executor's start-up, <c>fnpipe doctor</c>, the health check and the hosted start-up
/// check share: ping the discovered engine, read its version, and apply the version gate to its <b>API</b> version
/// (so that Podman's Docker-compatible API passes), plus the optional product-version floor on Docker engines.
/// </summary>
internal sealed class EngineProbe(EngineEndpoint endpoint, IDockerClient client, EngineRequirements requirements)
{
    public EngineEndpoint Endpoint => endpoint;

    /// <summary>Pings and reads the version within <paramref name="timeout"/>; never throws but for the caller's cancellation.</summary>
    public async Task<EngineStatus> CheckAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            bounded.CancelAfter(timeout);
        }

        VersionResponse version;
        try
        {
            await client.System.PingAsync(bounded.Token).ConfigureAwait(false);
            version = await client.System.GetVersionAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new EngineStatus(endpoint, new EngineProblem(EngineProblemKind.Timeout,
                $"the engine at {endpoint} did not answer within {timeout.TotalSeconds:0.#} s",
                "the engine is stuck or overloaded: look at its log (/var/log/fnpipeline/dockerd.log when scripts/docker-up.sh started it) or restart it"));
        }
        catch (Exception e) when (IsEngineFailure(e))
        {
            return new EngineStatus(endpoint, EngineFailures.Classify(endpoint, Unwrap(e)));
        }

        var identity = Identify(version);
        return new EngineStatus(endpoint, Gate(identity), identity);
    }

    private static bool IsEngineFailure(Exception e) => e switch
    {
        HttpRequestException or IOException or SocketException or DockerApiException
            or UnauthorizedAccessException or AuthenticationException or TimeoutException => true,
        // Docker.DotNet's TCP dialler tries each address of the host and throws them all together (connection refused).
        AggregateException aggregate => aggregate.Flatten().InnerExceptions.All(IsEngineFailure),
        _ => false,
    };

    /// <summary>One dial failure of an <see cref="AggregateException"/> stands for itself, so the message gives its reason once.</summary>
    private static Exception Unwrap(Exception e) =>
        e is AggregateException aggregate && aggregate.Flatten().InnerExceptions is [var single] ? Unwrap(single) : e;

    private EngineProblem? Gate(EngineIdentity identity)
    {
        if (requirements.MinimumApiVersion is { } minimumApi
            && (!Version.TryParse(identity.ApiVersion, out var api) || api < minimumApi))
        {
            return new EngineProblem(EngineProblemKind.TooOld,
                $"engine API version is too old. Required: {minimumApi} Found: {identity.ApiVersion} ({identity} at {endpoint})",
                UpgradeFix(identity, "FNPIPELINE_MIN_ENGINE_API_VERSION"));
        }

        // The product floor is Docker's own numbering: Podman's product version (4.3.1) is on another scale.
        if (requirements.MinimumDockerVersion is { } minimum && !identity.IsPodman)
        {
            try
            {
                EngineVersion.EnsureAtLeast(minimum, identity.ProductVersion);
            }
            catch (InvalidOperationException e)
            {
                return new EngineProblem(EngineProblemKind.TooOld, e.Message, UpgradeFix(identity, "FNPIPELINE_MIN_DOCKER_VERSION"));
            }
        }

        return null;
    }

    private static string UpgradeFix(EngineIdentity identity, string variable) => identity.IsPodman
        ? $"upgrade Podman (Debian: apt-get install podman), or lower {variable} at your own risk"
        : $"upgrade the Docker engine (Debian: apt-get install docker.io), or lower {variable} at your own risk";

    internal static EngineIdentity Identify(VersionResponse version)
    {
        // Podman names itself in the platform or as a component; dockerd says "Docker Engine - Community" or nothing.
        var names = (version.Components ?? []).Select(c => c.Name ?? "").Append(version.Platform?.Name ?? "");
        var product = names.Any(n => n.Contains("Podman", StringComparison.OrdinalIgnoreCase)) ? EngineProducts.Podman : EngineProducts.Docker;
        return new EngineIdentity(product, version.Version ?? "?", version.APIVersion ?? "?", $"{version.Os}/{version.Arch}");
    }
}

/// <summary>What the probe requires of the engine: the API version floor, and optionally a Docker product-version floor.</summary>
internal sealed record EngineRequirements(Version? MinimumApiVersion, string? MinimumDockerVersion)
{
    /// <summary>Docker 17.10's API: the oldest engine FnPipeline is tested against maps to this.</summary>
    public const string DefaultMinimumApiVersion = "1.33";

    public static EngineRequirements From(FnPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EngineRequirements(
            string.IsNullOrWhiteSpace(options.MinimumEngineApiVersion) ? null : Version.Parse(options.MinimumEngineApiVersion.Trim()),
            string.IsNullOrWhiteSpace(options.MinimumDockerVersion) ? null : options.MinimumDockerVersion.Trim());
    }
}

/// <summary>Turns a failed ping into the problem a person can act on.</summary>
internal static class EngineFailures
{
    public static EngineProblem Classify(EngineEndpoint endpoint, Exception e)
    {
        var reason = Reason(e);
        var socket = endpoint.Uri.Scheme == "unix" ? endpoint.Uri.AbsolutePath : null;
        if (socket is not null && !File.Exists(socket))
        {
            return new EngineProblem(EngineProblemKind.NoSocket, $"the engine at {endpoint} is unreachable: no socket at {socket}", StartFix(), e);
        }

        if (e is UnauthorizedAccessException || Find<SocketException>(e)?.SocketErrorCode == SocketError.AccessDenied
            || reason.Contains("denied", StringComparison.OrdinalIgnoreCase))
        {
            return new EngineProblem(EngineProblemKind.PermissionDenied, $"{endpoint}: permission denied: {reason}",
                $"this user may not use {socket ?? endpoint.Address}: run as root, or add the user to the socket's group (docker) and log in again", e);
        }

        if (e is DockerApiException { StatusCode: HttpStatusCode.BadRequest } api
            && api.ResponseBody?.Contains("HTTPS", StringComparison.OrdinalIgnoreCase) == true)
        {
            return new EngineProblem(EngineProblemKind.NeedsTls, $"the engine at {endpoint} speaks TLS and was sent plain HTTP",
                "set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem (or use an https:// address)", e);
        }

        if (Find<AuthenticationException>(e) is not null || reason.Contains("SSL", StringComparison.Ordinal))
        {
            return new EngineProblem(EngineProblemKind.TlsFailed, $"TLS with the engine at {endpoint} failed: {reason}",
                endpoint.Tls is null
                    ? "the engine does not speak TLS there: use tcp:// without DOCKER_TLS_VERIFY, or the engine's TLS port"
                    : "check that ca.pem signed the engine's certificate, that cert.pem/key.pem are a client certificate the engine's CA signed " +
                      "(DOCKER_CERT_PATH, or the context's TLS folder), and that the engine speaks TLS on that port", e);
        }

        if (e is DockerApiException engineError)
        {
            return new EngineProblem(EngineProblemKind.EngineError, $"the engine at {endpoint} answered {(int)engineError.StatusCode}: {reason}",
                "check the engine's log", e);
        }

        return new EngineProblem(EngineProblemKind.Unreachable, $"the engine at {endpoint} is unreachable: {reason}",
            socket is null
                ? "the engine is not running or not listening there: start it, or fix FNPIPELINE_DOCKER_ENDPOINT / DOCKER_HOST / the docker context"
                : "the engine is not running (a stale socket is left): " + StartFix(), e);
    }

    /// <summary>How to start an engine on this host: Podman's service where only Podman is installed.</summary>
    public static string StartFix()
    {
        if (OnPath("podman") && !OnPath("dockerd"))
        {
            return "start Podman's Docker-compatible service (podman system service --time=0 unix:///run/podman/podman.sock) " +
                   "and point DOCKER_HOST or FNPIPELINE_DOCKER_ENDPOINT at unix:///run/podman/podman.sock";
        }

        return "start an engine (as root: bash scripts/docker-up.sh installs and starts dockerd), " +
               "or point DOCKER_HOST, DOCKER_CONTEXT or FNPIPELINE_DOCKER_ENDPOINT at a running one";
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Reason(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (!messages.Exists(m => m.Contains(current.Message.TrimEnd('.'), StringComparison.Ordinal)))
            {
                messages.Add(current.Message.TrimEnd('.'));
            }
        }

        return string.Join(": ", messages);
    }
}
