using System.Globalization;
using System.Text;

namespace FnPipeline.LoadTests.Serve;

/// <summary>The figures of one <c>serve-start</c> run: first 20 s vs the last 20 s, and memory.</summary>
internal sealed class ServeStartResult(ServeStartSettings settings, TimeSpan startup, long restRss, long afterRss, Second[] seconds)
{
    private const int Window = ServeStartSettings.FirstWindowSeconds;

    public int TotalOk => seconds.Sum(s => s.Ok);

    /// <summary>Calls per second over the first 20 s after fnpipe listens (its start-up included).</summary>
    public double FirstRate => seconds.Take(Window).Sum(s => s.Ok) / (double)Window;

    /// <summary>Calls per second over the last 20 s.</summary>
    public double SteadyRate => seconds.Skip(seconds.Length - Window).Sum(s => s.Ok) / (double)Window;

    public double Ratio => SteadyRate > 0 ? FirstRate / SteadyRate : 0;

    /// <summary>Median RSS over the last 20 s, under load.</summary>
    public long SteadyRss => Median(seconds.Skip(seconds.Length - Window).Select(s => s.RssBytes));

    public long MaxRss => seconds.Max(s => s.RssBytes);

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"first {Window} s {FirstRate:0} calls/s, last {Window} s {SteadyRate:0} calls/s: {Ratio:0.00} (target >= 0.90); RSS at rest {Mb(restRss):0.0} MB, under load {Mb(SteadyRss):0.0} MB (max {Mb(MaxRss):0.0}), {IdleAfter:0} s after the load {Mb(afterRss):0.0} MB; failed {seconds.Sum(s => s.Failed)}");

    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# serve-start");
        text.AppendLine();
        text.AppendLine(inv, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()} at the end. fnpipe: `{settings.Fnpipe}`; environment: {(settings.Environment.Count == 0 ? "none" : string.Join(", ", settings.Environment.Select(p => $"`{p.Key}={p.Value}`")))}; serve arguments: {(settings.ServeArguments.Count == 0 ? "none" : string.Join(" ", settings.ServeArguments))}. {settings.Concurrency} callers, {settings.PayloadBytes}-byte POST /invoke/echo (testfn, http-stream), {settings.Seconds} s from the listening line; listening {startup.TotalMilliseconds:0} ms after the process start.");
        text.AppendLine();
        text.AppendLine(Summary());
        text.AppendLine();
        text.AppendLine("| Second | OK | Failed | RSS MB | CPU % |");
        text.AppendLine("|---:|---:|---:|---:|---:|");
        for (var i = 0; i < seconds.Length; i++)
        {
            text.AppendLine(inv, $"| {i + 1} | {seconds[i].Ok} | {seconds[i].Failed} | {Mb(seconds[i].RssBytes):0.0} | {seconds[i].CpuPercent:0} |");
        }

        return text.ToString();
    }

    private static int IdleAfter => 10;

    private static double Mb(long bytes) => ServeStartRun.Mb(bytes);

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
