using System.Text.Json;
using System.Text.Json.Serialization;

namespace FnPipeline.LoadTests.Reports;

/// <summary>Writes <c>report.md</c>, <c>report.json</c> and <c>report.html</c> to a run's folder.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static IReadOnlyList<string> Write(RunReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new[]
        {
            (Path.Combine(directory, "report.md"), MarkdownReport.Render(report)),
            (Path.Combine(directory, "report.json"), JsonSerializer.Serialize(report, Json)),
            (Path.Combine(directory, "report.html"), HtmlReport.Render(report)),
        };
        foreach (var (path, content) in files)
        {
            File.WriteAllText(path, content);
        }

        return files.Select(f => f.Item1).ToList();
    }
}
