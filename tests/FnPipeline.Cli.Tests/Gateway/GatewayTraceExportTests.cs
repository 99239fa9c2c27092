using System.Text;
using FnPipeline.Cli.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>
/// <c>fnpipe serve</c> exports the executor's spans over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: a plain
/// HTTP receiver stands in for the collector and records what reaches <c>/v1/traces</c>.
/// </summary>
[Trait("Category", "Docker")]
[Collection(EngineCollectionDefinition.Name)]
public sealed class GatewayTraceExportTests
{
    [Fact]
    public async Task OtlpEndpointSet_TheCallAndStageSpansReachTheCollector_WithTheCallIdAndServiceName()
    {
        await using var collector = await OtlpHttpReceiver.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export each batch soon after the call instead of after the default 5 s.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };
        await using var gateway = await GatewayProcess.StartAsync(GatewayFixture.FunctionsYaml, environment: environment);

        using var response = await gateway.Client.PostAsync("/invoke/echo", new StringContent("traced"));
        response.EnsureSuccessStatusCode();
        var callId = response.Headers.GetValues("Fn-Call-Id").Single();

        // Protobuf carries strings as plain UTF-8: the span's name and attribute values can be found in the bytes.
        var export = await collector.WaitForAsync(body => body.Contains(callId, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        export.ShouldContain("fnpipeline.call");
        export.ShouldContain("faas.invocation_id");
        export.ShouldContain(FnPipeline.Cli.Gateway.GatewayHost.ServiceName);
        // The stage children may travel in another batch than their call span.
        await collector.WaitForAsync(body => body.Contains("ensure-image", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void ExportsTraces_OnlyWhenAnOtlpEndpointIsConfigured()
    {
        static IConfiguration Config(params (string Key, string Value)[] values) =>
            new ConfigurationBuilder()
                .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
                .Build();

        FnPipeline.Cli.Gateway.GatewayHost.ExportsTraces(Config()).ShouldBeFalse();
        FnPipeline.Cli.Gateway.GatewayHost.ExportsTraces(Config(("OTEL_EXPORTER_OTLP_ENDPOINT", " "))).ShouldBeFalse();
        FnPipeline.Cli.Gateway.GatewayHost.ExportsTraces(Config(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))).ShouldBeTrue();
        FnPipeline.Cli.Gateway.GatewayHost.ExportsTraces(Config(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/v1/traces"))).ShouldBeTrue();
    }

    /// <summary>A Kestrel endpoint on loopback that answers OTLP/HTTP exports with 200 and keeps their bodies.</summary>
    private sealed class OtlpHttpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly List<string> _bodies = [];
        private readonly SemaphoreSlim _arrived = new(0);

        private OtlpHttpReceiver(WebApplication app) => _app = app;

        public string Endpoint { get; private set; } = "";

        public static async Task<OtlpHttpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new OtlpHttpReceiver(app);
            app.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                lock (receiver._bodies)
                {
                    receiver._bodies.Add(Encoding.UTF8.GetString(body.ToArray()));
                }

                receiver._arrived.Release();
                return Results.Ok();
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            receiver.Endpoint = address;
            return receiver;
        }

        /// <summary>The first export whose body matches, waiting for each new one until the deadline.</summary>
        public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan deadline)
        {
            using var timeout = new CancellationTokenSource(deadline);
            while (true)
            {
                lock (_bodies)
                {
                    var found = _bodies.FirstOrDefault(match);
                    if (found is not null)
                    {
                        return found;
                    }
                }

                try
                {
                    await _arrived.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    int count;
                    lock (_bodies)
                    {
                        count = _bodies.Count;
                    }

                    throw new TimeoutException($"No OTLP export matched within {deadline.TotalSeconds:0} s ({count} export(s) arrived).");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _arrived.Dispose();
        }
    }
}
