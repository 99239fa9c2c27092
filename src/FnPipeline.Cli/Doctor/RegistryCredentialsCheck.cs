namespace FnPipeline.Cli.Doctor;

/// <summary>
/// The registry credentials the executor would use (docs/configuration.md): a malformed <c>config.json</c>,
/// <c>DOCKER_AUTH_CONFIG</c> or <c>FNPIPELINE_DOCKER_AUTH</c>, or a credential helper not on PATH, fails.
/// Helpers are not run: they may prompt, or be slow.
/// </summary>
internal static class RegistryCredentialsCheck
{
    public const string Name = "registry auth";

    public static DoctorCheck Run(FnPipelineOptions options, Func<string, string?>? getVariable = null)
    {
        RegistryCredentialReport report;
        try
        {
            report = RegistryCredentialReport.Read(options, getVariable);
        }
        catch (FnConfigurationException e)
        {
            return DoctorCheck.Fail(Name, e.Message, $"fix or remove {e.ConfigurationSource} (format: docs/configuration.md, registry credentials)");
        }

        if (report.Problems.Count > 0)
        {
            return DoctorCheck.Fail(Name, $"{string.Join("; ", report.Problems)}. Sources: {report.Summary}",
                "install the credential helper named, or remove it from the configuration");
        }

        return report.Warnings.Count > 0
            ? DoctorCheck.Warn(Name, $"{report.Summary}; {string.Join("; ", report.Warnings)}", "fix the entries named: a pull ignores them")
            : DoctorCheck.Ok(Name, report.Summary);
    }
}
