using System.Globalization;
using System.Net;
using System.Text;
using FnPipeline.LoadTests.Stats;

namespace FnPipeline.LoadTests.Reports;

/// <summary>
/// The HTML report's charts, drawn as plain SVG: latency over time (p50, p99 and max of the calls completed in each
/// second, warm-up shaded) and calls completed per second (errors in red).
/// </summary>
internal static class SvgChart
{
    private const int Width = 960;
    private const int Height = 300;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 24;
    private const int Bottom = 40;

    public static string Latency(IReadOnlyList<TimelinePoint> points, double warmupSeconds)
    {
        var withCalls = points.Where(p => p.Completed > 0).ToList();
        var xMax = Math.Max(1, points.Count == 0 ? 1 : points[^1].Second);
        // The scale follows the measured phase's p99, so neither the warm-up's first calls nor one slow outlier flatten
        // the rest; lines past the top are clipped.
        var scaled = withCalls.Where(p => p.Second > warmupSeconds + 1).ToList() is { Count: > 0 } measured ? measured : withCalls;
        var yMax = NiceCeiling(Math.Max(0.001, scaled.Count == 0 ? 1 : scaled.Max(p => p.P99Ms) * 1.15));
        var svg = Begin("Latency over time (ms)");
        Axes(svg, xMax, yMax, "ms");
        Warmup(svg, xMax, warmupSeconds);
        Line(svg, withCalls, p => p.MaxMs, xMax, yMax, "#bbbbbb", dashed: true);
        Line(svg, withCalls, p => p.P99Ms, xMax, yMax, "#d95f02", dashed: false);
        Line(svg, withCalls, p => p.P50Ms, xMax, yMax, "#1b9e77", dashed: false);
        Legend(svg, [("p50", "#1b9e77"), ("p99", "#d95f02"), ("max", "#bbbbbb")]);
        return End(svg);
    }

    public static string Throughput(IReadOnlyList<TimelinePoint> points, double warmupSeconds)
    {
        var xMax = Math.Max(1, points.Count == 0 ? 1 : points[^1].Second);
        var yMax = NiceCeiling(Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.Completed) * 1.1));
        var svg = Begin("Calls completed per second");
        Axes(svg, xMax, yMax, "calls");
        Warmup(svg, xMax, warmupSeconds);
        var previous = 0.0;
        foreach (var p in points)
        {
            var x0 = X(previous, xMax);
            var x1 = X(p.Second, xMax);
            var barWidth = Math.Max(1, x1 - x0 - 1);
            Bar(svg, x0, barWidth, p.Completed - p.Errors, 0, yMax, "#7570b3");
            Bar(svg, x0, barWidth, p.Errors, p.Completed - p.Errors, yMax, "#e7298a");
            previous = p.Second;
        }

        Legend(svg, [("ok", "#7570b3"), ("errors", "#e7298a")]);
        return End(svg);
    }

    private static StringBuilder Begin(string title)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{WebUtility.HtmlEncode(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"13\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>");
        return svg;
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static void Axes(StringBuilder svg, double xMax, double yMax, string unit)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var y in Ticks(yMax))
        {
            var py = Y(y, yMax);
            svg.Append(inv, $"<line x1=\"{Left}\" y1=\"{py:0.#}\" x2=\"{Width - Right}\" y2=\"{py:0.#}\" stroke=\"#eeeeee\"/>");
            svg.Append(inv, $"<text x=\"{Left - 6}\" y=\"{py + 4:0.#}\" text-anchor=\"end\">{y:0.###}</text>");
        }

        foreach (var x in Ticks(xMax))
        {
            var px = X(x, xMax);
            svg.Append(inv, $"<line x1=\"{px:0.#}\" y1=\"{Height - Bottom}\" x2=\"{px:0.#}\" y2=\"{Height - Bottom + 4}\" stroke=\"#333333\"/>");
            svg.Append(inv, $"<text x=\"{px:0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{x:0.#}</text>");
        }

        svg.Append(inv, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#333333\"/>");
        svg.Append(inv, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#333333\"/>");
        svg.Append(inv, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\">time since start (s)</text>");
        svg.Append(inv, $"<text x=\"14\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {(Top + Height - Bottom) / 2})\">{unit}</text>");
    }

    private static void Warmup(StringBuilder svg, double xMax, double warmupSeconds)
    {
        if (warmupSeconds <= 0)
        {
            return;
        }

        var x = X(Math.Min(warmupSeconds, xMax), xMax);
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{x - Left:0.#}\" height=\"{Height - Top - Bottom}\" fill=\"#000000\" fill-opacity=\"0.06\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 4}\" y=\"{Top + 12}\" fill=\"#666666\">warm-up</text>");
    }

    private static void Line(StringBuilder svg, List<TimelinePoint> points, Func<TimelinePoint, double> value, double xMax, double yMax, string color, bool dashed)
    {
        if (points.Count == 0)
        {
            return;
        }

        var coordinates = string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.Second, xMax):0.#},{Y(Math.Min(value(p), yMax), yMax):0.#}")));
        var dash = dashed ? " stroke-dasharray=\"4 3\"" : "";
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\"{coordinates}\"/>");
    }

    private static void Bar(StringBuilder svg, double x, double width, double value, double below, double yMax, string color)
    {
        if (value <= 0)
        {
            return;
        }

        var top = Y(below + value, yMax);
        var bottom = Y(below, yMax);
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{top:0.#}\" width=\"{width:0.#}\" height=\"{bottom - top:0.#}\" fill=\"{color}\"/>");
    }

    private static void Legend(StringBuilder svg, (string Label, string Color)[] entries)
    {
        var x = Width - Right - (entries.Length * 90);
        foreach (var (label, color) in entries)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"6\" width=\"14\" height=\"4\" fill=\"{color}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 18}\" y=\"12\">{WebUtility.HtmlEncode(label)}</text>");
            x += 90;
        }
    }

    private static double X(double second, double xMax) => Left + (second / xMax * (Width - Left - Right));

    private static double Y(double value, double yMax) => Height - Bottom - (value / yMax * (Height - Top - Bottom));

    /// <summary>Rounds up to 1, 2 or 5 times a power of ten.</summary>
    private static double NiceCeiling(double value)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        var unit = value / power;
        return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
    }

    private static IEnumerable<double> Ticks(double max)
    {
        var step = NiceCeiling(max / 6);
        for (var tick = 0.0; tick <= max + (step / 1000); tick += step)
        {
            yield return tick;
        }
    }
}
