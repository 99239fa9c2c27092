using System.Text.RegularExpressions;

namespace FnPipeline.Cli.Tests;

/// <summary>
/// The docs work in a clone: every relative link in README.md and docs/*.md resolves to a file inside the repository
/// (and an anchor to a heading of it), and no page names a folder next to the clone (such as a shared project folder
/// that a clone does not have).
/// </summary>
public sealed partial class DocLinkTests
{
    private static readonly string Root = Path.GetFullPath(Infrastructure.Fnpipe.RepositoryRoot);

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md" };
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            pages.Add(Path.GetRelativePath(Root, file));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryRelativeLink_ResolvesToAFileInsideTheRepository(string page)
    {
        var path = Path.Combine(Root, page);
        var problems = new List<string>();
        foreach (var target in LinkTargets(File.ReadAllText(path)))
        {
            if (Problem(path, target) is { } problem)
            {
                problems.Add($"{page}: ({target}) {problem}");
            }
        }

        problems.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void NoPage_NamesAFolderNextToTheClone(string page)
    {
        var parent = Path.GetDirectoryName(Root.TrimEnd(Path.DirectorySeparatorChar))!;
        var text = File.ReadAllText(Path.Combine(Root, page));
        var outside = Regex.Matches(text, Regex.Escape(parent.TrimEnd('/') + "/") + @"[^\s`)'""]+")
            .Select(m => m.Value)
            .Where(p => !IsInside(Path.GetFullPath(p)));

        outside.ShouldBeEmpty();
    }

    [Fact]
    public void TheChecks_CatchWhatTheyAreFor()
    {
        // The checks themselves can fail: a link leaving the clone, a missing file, a missing anchor.
        var page = Path.Combine(Root, "docs", "embedding.md");
        Problem(page, "../../shared/http-stream-contract.md").ShouldBe("leaves the repository");
        Problem(page, "/etc/hostname").ShouldBe("leaves the repository");
        Problem(page, "nope.md").ShouldBe("no such file");
        Problem(page, "contract.md#no-such-heading").ShouldBe("no heading with anchor #no-such-heading");
        Problem(page, "contract.md#http-stream-format-hot").ShouldBeNull();
        Problem(page, "https://example.invalid/x").ShouldBeNull();
        LinkTargets("see `[a](ignored.md)` and [b](real.md \"title\")\n```\n[c](fenced.md)\n```\n[d]: ref.md").ShouldBe(["real.md", "ref.md"]);
    }

    /// <summary>The targets of inline links, images and reference definitions outside code.</summary>
    private static List<string> LinkTargets(string markdown)
    {
        var prose = InlineCode().Replace(FencedCode().Replace(markdown, ""), "");
        return [.. InlineLink().Matches(prose).Select(m => m.Groups[1].Value)
            .Concat(ReferenceDefinition().Matches(prose).Select(m => m.Groups[1].Value))];
    }

    private static string? Problem(string page, string target)
    {
        if (Regex.IsMatch(target, "^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase))
        {
            return null; // a URL (https:, mailto:)
        }

        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var file = hash < 0 ? target : target[..hash];
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        var resolved = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(file)));
        if (file.StartsWith('/') || !IsInside(resolved))
        {
            return "leaves the repository";
        }

        if (!File.Exists(resolved) && !Directory.Exists(resolved))
        {
            return "no such file";
        }

        if (!string.IsNullOrEmpty(anchor) && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(resolved)).Contains(anchor))
        {
            return $"no heading with anchor #{anchor}";
        }

        return null;
    }

    private static bool IsInside(string path) =>
        path == Root || path.StartsWith(Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(FencedCode().Replace(markdown, "")))
        {
            var slug = Regex.Replace(heading.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{Nd} _-]", "").Replace(' ', '-');
            var unique = slug;
            for (var n = 1; !anchors.Add(unique); n++)
            {
                unique = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    [GeneratedRegex(@"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^ {0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
