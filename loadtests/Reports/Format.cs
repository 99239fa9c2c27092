using System.Globalization;

namespace FnPipeline.LoadTests.Reports;

/// <summary>Number formats shared by the markdown and HTML reports.</summary>
internal static class Format
{
    public static string Ms(double milliseconds) => milliseconds switch
    {
        0 => "-",
        < 10 => milliseconds.ToString("0.000", CultureInfo.InvariantCulture),
        < 1000 => milliseconds.ToString("0.0", CultureInfo.InvariantCulture),
        _ => milliseconds.ToString("N0", CultureInfo.InvariantCulture),
    };

    public static string Rate(double perSecond) => perSecond.ToString(perSecond < 100 ? "0.00" : "N0", CultureInfo.InvariantCulture);

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(long part, long whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Seconds(double seconds) => seconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    public static string Load(RunReport report) => report.Concurrency is { } concurrency
        ? $"closed model, {concurrency} concurrent callers"
        : $"open model, {report.Rate?.ToString("0.##", CultureInfo.InvariantCulture)} calls/s";
}
