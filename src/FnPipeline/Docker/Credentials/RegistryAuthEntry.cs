namespace FnPipeline.Docker.Credentials;

/// <summary>One <c>auths</c> entry of a Docker <c>config.json</c>, with the host names it answers for.</summary>
/// <param name="Key">The key as written, e.g. <c>https://index.docker.io/v1/</c> or <c>127.0.0.1:5000</c>.</param>
/// <param name="Host">The key's host and port, lower-case, without scheme or path.</param>
/// <param name="Subdomains">Fn's <c>getSubdomains(host)</c>: every suffix of at least two labels (just the host for IPs).</param>
/// <param name="Username">User name (from <c>auth</c> or <c>username</c>).</param>
/// <param name="Password">Password (from <c>auth</c> or <c>password</c>).</param>
/// <param name="IdentityToken">OAuth identity token, when the entry has one.</param>
internal sealed record RegistryAuthEntry(
    string Key,
    string Host,
    IReadOnlyList<string> Subdomains,
    string Username,
    string Password,
    string? IdentityToken)
{
    public override string ToString() => $"RegistryAuthEntry {{ Key = {Key}, Username = {Username} }}";
}
