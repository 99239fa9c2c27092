using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker.Credentials;

/// <summary>Log messages of registry credentials (event ids 170–179). Secrets are never logged.</summary>
internal static partial class CredentialLog
{
    [LoggerMessage(170, LogLevel.Information, "Registry credentials: {Sources}", EventName = "RegistryCredentialSources")]
    public static partial void Sources(ILogger logger, string sources);

    [LoggerMessage(171, LogLevel.Warning, "Skipped a registry credential entry of {Source}: {Problem}", EventName = "RegistryAuthEntrySkipped")]
    public static partial void EntrySkipped(ILogger logger, string source, string problem);

    [LoggerMessage(172, LogLevel.Error, "Registry credentials cannot be read; pulls that need them fail until it is fixed and the executor restarted: {Problem}", EventName = "RegistryCredentialsMalformed")]
    public static partial void Malformed(ILogger logger, string problem);

    [LoggerMessage(173, LogLevel.Debug, "Registry {Registry}: credentials from {Origin}", EventName = "RegistryCredentialsFound")]
    public static partial void Found(ILogger logger, string registry, string origin);

    [LoggerMessage(174, LogLevel.Debug, "Registry {Registry}: no credentials in any source; the pull is anonymous", EventName = "RegistryCredentialsNone")]
    public static partial void None(ILogger logger, string registry);
}
