using System.CommandLine;
using System.CommandLine.Parsing;

namespace FnPipeline.Cli.Commands;

/// <summary>
/// Words before <c>--</c> that look like options but are none of the command's. System.CommandLine hands them to a
/// variadic argument (invoke's command), where a typo such as <c>--memroy 64</c> would become part of the container's
/// command, or leaves them unmatched; here they are usage errors with a did-you-mean hint.
/// </summary>
internal static class UnknownOptions
{
    public static IReadOnlyList<string> Find(ParseResult parseResult)
    {
        var tokens = parseResult.Tokens;
        var end = 0;
        while (end < tokens.Count && tokens[end].Type != TokenType.DoubleDash)
        {
            end++;
        }

        var beforeDoubleDash = new HashSet<Token>(tokens.Take(end), ReferenceEqualityComparer.Instance);
        var command = parseResult.CommandResult.Command;
        var errors = new List<string>();
        foreach (var argument in parseResult.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens.Where(t => beforeDoubleDash.Contains(t) && LooksLikeOption(t.Value)))
            {
                errors.Add(Message(token.Value, command, parseResult.RootCommandResult.Command));
            }
        }

        // Words no option or argument took (the subcommands leave them to this check rather than to the parser).
        foreach (var word in command.TreatUnmatchedTokensAsErrors ? [] : parseResult.UnmatchedTokens)
        {
            errors.Add(LooksLikeOption(word) ? Message(word, command, parseResult.RootCommandResult.Command) : $"unexpected argument '{word}'");
        }

        return errors;
    }

    private static bool LooksLikeOption(string word) => word.Length > 1 && word[0] == '-';

    private static string Message(string word, Command command, Command root)
    {
        var typed = word.Split('=', 2)[0];
        var names = command.Options.Concat(root.Options.Where(o => o.Recursive)).SelectMany(o => o.Aliases.Prepend(o.Name));

        // Two edits turn any short option into another: hint only for long ones.
        var hint = typed.Length > 3 && DidYouMean.Closest(typed, names) is { } closest ? $" (did you mean '{closest}'?)" : "";
        var rest = command.Arguments.Any(a => a.Name == "command") ? "; the container's command goes after '--'" : "";
        return $"unknown option '{typed}'{hint}{rest}";
    }
}
