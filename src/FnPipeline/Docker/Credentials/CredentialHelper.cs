using System.ComponentModel;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet.Models;

namespace FnPipeline.Docker.Credentials;

/// <summary>
/// Runs a docker credential helper as the docker CLI does: <c>docker-credential-&lt;name&gt; get</c> with the server
/// address on stdin, answering <c>{"ServerURL":…,"Username":…,"Secret":…}</c> (Username <c>&lt;token&gt;</c> means the
/// secret is an identity token). "credentials not found" is no credentials; a missing helper, a failure, a time-out or
/// an answer of another shape is an <see cref="FnConfigurationException"/> naming the helper and where it was configured.
/// </summary>
internal sealed class CredentialHelper(Func<string, string?> getVariable, TimeSpan timeout)
{
    public const string ProgramPrefix = "docker-credential-";
    private const string NotFoundAnswer = "credentials not found in native keychain";
    private const string IdentityTokenUser = "<token>";
    private const int MaxQuotedChars = 300;

    /// <summary>How long a helper may take before it is killed.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>The helper's credentials for <paramref name="serverAddress"/>; <c>null</c> when it has none.</summary>
    /// <param name="name">The helper's name (<c>pass</c> runs <c>docker-credential-pass</c>).</param>
    /// <param name="serverAddress">What the docker CLI sends: <c>https://index.docker.io/v1/</c> for Docker Hub, else host[:port].</param>
    /// <param name="configuredBy">Where the helper was named, for messages: "credsStore in Docker config file /p".</param>
    /// <param name="source">The file or variable to blame (<see cref="FnConfigurationException.ConfigurationSource"/>).</param>
    /// <param name="cancellationToken">Cancels the run (the helper is killed).</param>
    public async Task<AuthConfig?> GetAsync(string name, string serverAddress, string configuredBy, string source, CancellationToken cancellationToken)
    {
        var program = ProgramPrefix + name;
        var path = Locate(program)
            ?? throw new FnConfigurationException(source,
                $"Credential helper {program} ({configuredBy}) is not on PATH: install it, or remove it from the configuration");

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        BufferedCommandResult result;
        try
        {
            result = await Cli.Wrap(path)
                .WithArguments("get")
                .WithStandardInputPipe(PipeSource.FromString(serverAddress))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(limit.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FnConfigurationException(source,
                $"Credential helper {program} ({configuredBy}) did not answer for {serverAddress} within {timeout.TotalSeconds:0.#} s and was stopped", e);
        }
        catch (Win32Exception e)
        {
            throw new FnConfigurationException(source, $"Credential helper {path} ({configuredBy}) cannot be started: {e.Message}", e);
        }

        if (result.ExitCode != 0)
        {
            // Helpers write their error to stdout (the protocol's channel), some to stderr.
            var said = (result.StandardOutput.Trim().Length > 0 ? result.StandardOutput : result.StandardError).Trim();
            if (said.Contains(NotFoundAnswer, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            throw new FnConfigurationException(source,
                $"Credential helper {program} ({configuredBy}) failed for {serverAddress} with exit code {result.ExitCode}: {Quote(said)}");
        }

        return Read(result.StandardOutput, serverAddress)
            ?? throw new FnConfigurationException(source,
                $"Credential helper {program} ({configuredBy}) answered {result.StandardOutput.Length} characters for {serverAddress} " +
                "that are not the JSON object {\"ServerURL\",\"Username\",\"Secret\"} (not quoted here: it may hold a secret)");
    }

    /// <summary>The full path of <paramref name="program"/> on PATH, or <c>null</c>.</summary>
    public string? Locate(string program)
    {
        foreach (var directory in (getVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in OperatingSystem.IsWindows() ? [program + ".exe", program + ".cmd", program] : new[] { program })
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path) && (OperatingSystem.IsWindows() || IsExecutable(path)))
                {
                    return path;
                }
            }
        }

        return null;
    }

    private static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows()
        && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static AuthConfig? Read(string answer, string serverAddress)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryString(root, "Username", out var username)
                || !TryString(root, "Secret", out var secret))
            {
                return null;
            }

            var server = TryString(root, "ServerURL", out var url) && url.Length > 0 ? url : serverAddress;
            return username == IdentityTokenUser
                ? new AuthConfig { IdentityToken = secret, ServerAddress = server }
                : new AuthConfig { Username = username, Password = secret, ServerAddress = server };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryString(JsonElement element, string name, out string value)
    {
        value = element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString()! : "";
        return property.ValueKind == JsonValueKind.String;
    }

    private static string Quote(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length == 0 ? "(no message)" : line.Length <= MaxQuotedChars ? line : line[..MaxQuotedChars] + "…";
    }
}
