using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace FnPipeline.Cli.Gateway;

/// <summary>The gateway's own meter (<c>FnPipeline.Gateway</c>): responses by route and status.</summary>
internal sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "FnPipeline.Gateway";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("fnpipeline.gateway.requests", "{request}", "Gateway responses, by route and status code");
    }

    /// <summary>The status codes' texts, made once: a counter tag per call would otherwise allocate a string per call.</summary>
    private static readonly string[] StatusTexts = [.. Enumerable.Range(100, 500).Select(code => code.ToString(CultureInfo.InvariantCulture))];

    public void Request(string route, int statusCode) =>
        _requests.Add(1, new TagList { { "fnpipeline.route", route }, { "http.response.status_code", StatusText(statusCode) } });

    private static string StatusText(int statusCode) => statusCode is >= 100 and < 600
        ? StatusTexts[statusCode - 100]
        : statusCode.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _meter.Dispose();
}
