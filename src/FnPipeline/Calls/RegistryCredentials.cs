namespace FnPipeline;

/// <summary>Credentials for pulling an image from a private registry.</summary>
/// <param name="Username">Registry user name.</param>
/// <param name="Password">Registry password or token.</param>
/// <param name="ServerAddress">Registry address, e.g. <c>registry.example:5000</c>; empty means the image's own registry.</param>
public sealed record RegistryCredentials(string Username, string Password, string ServerAddress = "")
{
    /// <inheritdoc />
    public override string ToString() => $"RegistryCredentials {{ Username = {Username}, ServerAddress = {ServerAddress} }}";
}
