using System.Globalization;
using Docker.DotNet;
using FnPipeline.Docker.Engine;

namespace FnPipeline.Cli.Doctor;

/// <summary>The engine's checks: the one engine probe (reachable, TLS, version gate), then the images named.</summary>
internal sealed class EngineChecks(FnPipelineOptions options) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly EngineProbeService _probe = new(options);

    /// <summary>The <c>engine</c> and <c>version</c> checks; <c>false</c> when the engine cannot be used for more.</summary>
    public async Task<bool> ProbeAsync(List<DoctorCheck> checks, CancellationToken cancellationToken = default)
    {
        var status = await _probe.CheckAsync(Timeout, cancellationToken).ConfigureAwait(false);
        if (status.Identity is not { } identity)
        {
            var problem = status.Problem!;
            checks.Add(DoctorCheck.Fail("engine", problem.Message, problem.Fix));
            checks.Add(DoctorCheck.Skipped("version", "needs the engine"));
            return false;
        }

        checks.Add(DoctorCheck.Ok("engine", $"{status.Endpoint} answers"));
        var gate = options.MinimumEngineApiVersion is { Length: > 0 } api ? $"API at least {api.Trim()} required" : "no API minimum (FNPIPELINE_MIN_ENGINE_API_VERSION is empty)";
        checks.Add(status.Problem is { } tooOld
            ? DoctorCheck.Fail("version", tooOld.Message, tooOld.Fix)
            : DoctorCheck.Ok("version", $"{identity}; {gate}"));
        return status.Problem is null;
    }

    public async Task<DoctorCheck> ImageAsync(string image, CancellationToken cancellationToken = default)
    {
        if (ImageReference.Problem(image) is { } problem)
        {
            return DoctorCheck.Fail("image", $"'{image}' {problem}", "write it as [registry/]name[:tag][@digest], in lower case");
        }

        var client = _probe.Client ?? throw new InvalidOperationException("images are checked only after the engine answered");
        try
        {
            var inspect = await client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
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

    public void Dispose() => _probe.Dispose();
}
