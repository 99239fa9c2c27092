using System.Diagnostics.Metrics;
using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.HotPool;
using Microsoft.Extensions.Time.Testing;

namespace FnPipeline.Tests.HotPool.Fakes;

/// <summary>
/// A hot pool on the fake engine, with a private socket base directory (short, under /tmp, so socket paths fit)
/// and either real time or a <see cref="FakeTimeProvider"/>. Disposing it disposes the pool and the directory.
/// </summary>
internal sealed class HotPoolHarness : IAsyncDisposable
{
    private HotPoolHarness(FnPipelineOptions options, TimeProvider time, IMeterFactory? meterFactory, MachineCapacity? machine)
    {
        Options = options;
        Time = time;
        Driver = new FakeContainerDriver(time, Logs);
        Metrics = new FnPipelineMetrics(meterFactory);
        Settings = ExecutorSettings.Resolve(options);
        // The machine the pool's defaults come from: this one, unless the test names one.
        var hot = machine is { } m ? Settings.Hot with { Machine = m } : Settings.Hot;
        Dispatcher = HotCallDispatcher.Create(Driver, hot, new ContainerSpecFactory(Settings), Metrics, time, Logs);
    }

    public FnPipelineOptions Options { get; }

    /// <summary>What the pool was made from (<see cref="Options"/> resolved when the harness was created).</summary>
    public ExecutorSettings Settings { get; }

    public TimeProvider Time { get; }

    public FakeTimeProvider FakeTime => (FakeTimeProvider)Time;

    public FakeContainerDriver Driver { get; }

    public FnPipelineMetrics Metrics { get; }

    public ListLoggerFactory Logs { get; } = new();

    public HotCallDispatcher Dispatcher { get; }

    public string BaseDirectory => Options.Hot.SocketBaseDirectory!;

    public static HotPoolHarness Create(
        Action<FnPipelineOptions>? configure = null, TimeProvider? time = null, IMeterFactory? meterFactory = null, MachineCapacity? machine = null)
    {
        var baseDirectory = Path.Join("/tmp", "fnpu-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(baseDirectory);
        var options = new FnPipelineOptions { DrainTimeout = TimeSpan.FromSeconds(5), InstanceId = "unit" };
        options.Hot.SocketBaseDirectory = baseDirectory;
        options.Hot.StartTimeout = TimeSpan.FromSeconds(5);
        configure?.Invoke(options);
        return new HotPoolHarness(options, time ?? TimeProvider.System, meterFactory, machine);
    }

    public static HotPoolHarness CreateWithFakeTime(Action<FnPipelineOptions>? configure = null) =>
        Create(configure, new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero)));

    public static FunctionCall Call(string input = "hello", Action<FunctionCallBuilder>? configure = null)
    {
        var builder = new FunctionCallBuilder { Input = input };
        configure?.Invoke(builder);
        return builder.Build();
    }

    public Task<InvocationResult> InvokeAsync(FunctionCall call, string? callId = null, CancellationToken cancellationToken = default) =>
        Dispatcher.InvokeAsync(Settings.Calls.Resolve(call, callId ?? Guid.NewGuid().ToString("N")), cancellationToken);

    /// <summary>Requests that reached any fake container so far.</summary>
    public int RequestsReceived => Driver.Containers.Sum(c => c.Server?.Requests.Count ?? 0);

    /// <summary>Socket directories that exist under the base directory now.</summary>
    public IReadOnlyList<string> SocketDirectories() => Directory.GetDirectories(BaseDirectory);

    public async ValueTask DisposeAsync()
    {
        await Dispatcher.DisposeAsync(TimeSpan.FromSeconds(5));
        Metrics.Dispose();
        Directory.Delete(BaseDirectory, recursive: true);
    }
}

/// <summary>Builds test calls: an http-stream call of a fixed image with overridable parts.</summary>
internal sealed class FunctionCallBuilder
{
    public string Image { get; set; } = "fake/fn:1";

    public string Input { get; set; } = "";

    public TimeSpan? Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan? IdleTimeout { get; set; }

    public long MaxOutputBytes { get; set; }

    public Dictionary<string, string> Environment { get; } = [];

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public FunctionCall Build() => new()
    {
        Image = Image,
        Format = FunctionFormat.HttpStream,
        Input = CallInput.FromString(Input),
        Timeout = Timeout,
        IdleTimeout = IdleTimeout,
        MaxOutputBytes = MaxOutputBytes,
        Environment = Environment,
        Headers = Headers,
        AppId = "app1",
        FunctionId = "fn1",
    };
}
