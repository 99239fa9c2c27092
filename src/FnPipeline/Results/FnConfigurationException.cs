namespace FnPipeline;

/// <summary>
/// Configuration the executor reads from outside its options is unusable: a malformed Docker <c>config.json</c>,
/// <c>DOCKER_AUTH_CONFIG</c> or <c>FNPIPELINE_DOCKER_AUTH</c>, or a credential helper it names that is missing, fails,
/// times out or answers garbage. The call is not at fault (no result is made); fix <see cref="ConfigurationSource"/> and retry.
/// </summary>
public sealed class FnConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file (path) or environment variable (name) at fault.</param>
    /// <param name="message">What is wrong, naming <paramref name="source"/> and, for malformed JSON, the position.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public FnConfigurationException(string source, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ConfigurationSource = source;
    }

    /// <summary>The file (path) or environment variable (name) at fault.</summary>
    public string ConfigurationSource { get; }
}
