using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FnPipeline.Fleet;

/// <summary>Checks <see cref="FleetOptions"/> once, at start-up, naming the option and why it is wrong.</summary>
internal static partial class FleetOptionsValidation
{
    public static IReadOnlyList<string> Problems(FleetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!FleetName().IsMatch(options.Fleet ?? ""))
        {
            problems.Add($"Fleet '{options.Fleet}' is not a fleet name: letters, digits, '-' and '_', 1 to 32 of them (it is part of every subject)");
        }

        var urls = (options.Url ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (urls.Length == 0)
        {
            problems.Add("Url is empty: give one or more NATS servers, e.g. nats://127.0.0.1:4222");
        }

        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
            {
                problems.Add($"Url '{url}' is not a NATS server address (nats://, tls://, ws:// or wss://host:port)");
            }
        }

        if ((options.User is null) != (options.Password is null))
        {
            problems.Add("User and Password go together: give both or neither");
        }

        var schemes = new[] { options.User, options.Token, options.NKeyFile, options.CredsFile }.Count(v => v is not null);
        if (schemes > 1)
        {
            problems.Add("give one of User/Password, Token, NKeyFile or CredsFile, not several");
        }

        if ((options.TlsCertFile is null) != (options.TlsKeyFile is null))
        {
            problems.Add("TlsCertFile and TlsKeyFile go together: give both or neither");
        }

        foreach (var (name, path) in new[]
                 {
                     ("NKeyFile", options.NKeyFile), ("CredsFile", options.CredsFile), ("TlsCaFile", options.TlsCaFile),
                     ("TlsCertFile", options.TlsCertFile), ("TlsKeyFile", options.TlsKeyFile),
                 })
        {
            if (path is not null && !File.Exists(path))
            {
                problems.Add($"{name} '{path}' does not exist");
            }
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            problems.Add($"ConnectTimeout must be positive (was {options.ConnectTimeout})");
        }

        return problems;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem, or returns.</summary>
    public static void ThrowIfInvalid(FleetOptions options)
    {
        var problems = Problems(options);
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(FleetOptions), problems);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex FleetName();
}
