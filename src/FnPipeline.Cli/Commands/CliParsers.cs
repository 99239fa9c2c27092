using System.CommandLine.Parsing;

namespace FnPipeline.Cli.Commands;

/// <summary>Argument parsers shared by the commands; each reports a message that names the option and an example.</summary>
internal static class CliParsers
{
    /// <summary><c>--timeout 30s</c>: a positive duration.</summary>
    public static TimeSpan? Duration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DurationParser.TryParse(text, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        result.AddError($"'{text}' is not a positive duration for {OptionName(result)} ({DurationParser.Examples})");
        return null;
    }

    /// <summary><c>--env K=V</c> (or <c>--env K</c>: the value of K in fnpipe's own environment, as docker run does).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> EnvironmentPairs(ArgumentResult result) =>
        Pairs(result, '=', "NAME=value", allowInherit: true);

    /// <summary><c>--label K=V</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> LabelPairs(ArgumentResult result) =>
        Pairs(result, '=', "name=value", allowInherit: false);

    /// <summary><c>--header "Name: value"</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> HeaderPairs(ArgumentResult result) =>
        Pairs(result, ':', "'Name: value'", allowInherit: false);

    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    public static Func<ArgumentResult, long> WholeNumber(long minimum, string unit) => result =>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        result.AddError($"'{text}' is not a whole number of {unit} of at least {minimum} for {OptionName(result)}");
        return minimum;
    };

    private static List<KeyValuePair<string, string>> Pairs(ArgumentResult result, char separator, string example, bool allowInherit)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var token in result.Tokens)
        {
            var text = token.Value;
            var at = text.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0)
            {
                pairs.Add(new(text[..at].Trim(), text[(at + 1)..].TrimStart()));
            }
            else if (allowInherit && at < 0 && text.Length > 0 && Environment.GetEnvironmentVariable(text) is { } inherited)
            {
                pairs.Add(new(text, inherited));
            }
            else
            {
                result.AddError($"'{text}' is not {example} for {OptionName(result)}");
            }
        }

        return pairs;
    }

    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
