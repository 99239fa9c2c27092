using System.Globalization;
using System.Net;
using System.Text;

namespace FnPipeline.LoadTests.Faults;

/// <summary>The storm's chart, plain SVG: calls answered per interval as bars stacked by status.</summary>
internal static class StatusChart
{
    private const int Width = 1000;
    private const int Height = 320;
    private const int Left = 60;
    private const int Right = 20;
    private const int Top = 30;
    private const int Bottom = 40;

    private static readonly string[] Palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4", "#666666", "#b15928"];

    public static string Render(FaultStormReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var statuses = report.StatusTotals.Keys.ToList();
        var colors = statuses.Select((s, i) => (s, Color: s == FaultExpectations.Success ? Palette[0] : Palette[1 + (i % (Palette.Length - 1))]))
            .ToDictionary(p => p.s, p => p.Color, StringComparer.Ordinal);
        var xMax = Math.Max(report.IntervalSeconds, report.Timeline.Count == 0 ? 1 : report.Timeline[^1].StartSecond + report.IntervalSeconds);
        var yMax = Math.Max(1, report.Timeline.Count == 0 ? 1 : report.Timeline.Max(p => p.Counts.Values.Sum()));
        var svg = new StringBuilder();
        svg.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height + (20 * ((statuses.Count + 2) / 3))}\" width=\"{Width}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append(inv, $"<text x=\"{Left}\" y=\"16\" font-weight=\"bold\">Calls answered per {report.IntervalSeconds:0.#} s, by status</text>");
        svg.Append(inv, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/><line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        svg.Append(inv, $"<text x=\"{Left - 6}\" y=\"{Top + 4}\" text-anchor=\"end\">{yMax}</text><text x=\"{Left - 6}\" y=\"{Height - Bottom + 4}\" text-anchor=\"end\">0</text>");
        svg.Append(inv, $"<text x=\"{Width - Right}\" y=\"{Height - Bottom + 18}\" text-anchor=\"end\">{xMax:0} s</text><text x=\"{Left}\" y=\"{Height - Bottom + 18}\">0 s</text>");
        var barWidth = Math.Max(1, ((Width - Left - Right) * report.IntervalSeconds / xMax) - 1);
        foreach (var point in report.Timeline)
        {
            var x = Left + (point.StartSecond / xMax * (Width - Left - Right));
            var below = 0L;
            foreach (var status in statuses)
            {
                var count = point.Counts.GetValueOrDefault(status);
                if (count == 0)
                {
                    continue;
                }

                var top = Y(below + count, yMax);
                svg.Append(inv, $"<rect x=\"{x:0.#}\" y=\"{top:0.#}\" width=\"{barWidth:0.#}\" height=\"{Y(below, yMax) - top:0.#}\" fill=\"{colors[status]}\"><title>{WebUtility.HtmlEncode($"{point.StartSecond:0.#} s: {count} x {status}")}</title></rect>");
                below += count;
            }
        }

        for (var i = 0; i < statuses.Count; i++)
        {
            var lx = Left + (i % 3 * 310);
            var ly = Height + (i / 3 * 20);
            svg.Append(inv, $"<rect x=\"{lx}\" y=\"{ly - 10}\" width=\"12\" height=\"12\" fill=\"{colors[statuses[i]]}\"/><text x=\"{lx + 18}\" y=\"{ly}\">{WebUtility.HtmlEncode($"{statuses[i]} ({report.StatusTotals[statuses[i]]})")}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static double Y(double value, double yMax) => Height - Bottom - (value / yMax * (Height - Top - Bottom));
}
