using FnPipeline.Cli.Tests.Infrastructure;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>
/// One <c>fnpipe serve</c> for the gateway tests, with a 1 KiB request limit and a function per error status. Its small
/// outputs are always answered whole (a 60 s stream hold), so status, Content-Length and Server-Timing are the call's
/// final ones whatever the machine's load; streaming has its own fixture (<see cref="StreamingGatewayFixture"/>).
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const int MaxRequestBytes = 1024;

    /// <summary>Arguments that make small outputs answered whole, whatever the load (see the summary).</summary>
    public static readonly string[] WholeAnswers = ["--stream-hold-ms", "60000"];

    public static string FunctionsYaml { get; } = $"""
        app: cli-tests
        functions:
          - name: echo
            image: {TestImages.TestFunction}
            labels: {TestRun.YamlLabels}
          - name: slow
            image: {TestImages.TestFunction}
            timeout: 1s
            labels: {TestRun.YamlLabels}
          - name: fs
            image: {TestImages.Busybox}
            fs_size: 10
            labels: {TestRun.YamlLabels}
          - name: hot-echo
            image: {TestImages.TestFunction}
            format: http-stream
            labels: {TestRun.YamlLabels}
        """;

    private GatewayProcess? _gateway;

    public GatewayProcess Gateway => _gateway ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() =>
        _gateway = await GatewayProcess.StartAsync(FunctionsYaml, ["--max-request-bytes", MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), .. WholeAnswers]);

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}
