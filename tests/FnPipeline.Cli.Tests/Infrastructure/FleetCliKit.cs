using FnPipeline.Fleet;
using FnPipeline.Fleet.Async;
using FnPipeline.Fleet.Client;
using FnPipeline.Testing.Fleet;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>
/// A fleet of its own name on the fixture's NATS cluster for one CLI test: its clients, calls that carry the run's
/// labels, and, on dispose, the removal of the fleet's JetStream stream and buckets (nothing of it stays on the cluster).
/// </summary>
public sealed class FleetCliKit : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public FleetCliKit(string prefix)
    {
        Fleet = $"{prefix}{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 10)];
    }

    /// <summary>The fleet's name (unique per test).</summary>
    public string Fleet { get; }

    public static string NatsUrl => FleetFixture.NatsUrl;

    public FleetOptions Options() => new() { Url = NatsUrl, Fleet = Fleet };

    /// <summary>A synchronous client of the fleet (disposed with the kit).</summary>
    public FleetExecutor Client()
    {
        var client = new FleetExecutor(Options());
        _owned.Add(client);
        return client;
    }

    /// <summary>An asynchronous client of the fleet (disposed with the kit).</summary>
    public AsyncCallClient AsyncClient()
    {
        var client = new AsyncCallClient(Options());
        _owned.Add(client);
        return client;
    }

    /// <summary>A call of the test function, default format (a new container) or http-stream (hot), with the run's labels.</summary>
    public static FunctionCall Call(string input, FunctionFormat format = FunctionFormat.Default) => new()
    {
        Image = TestImages.TestFunction,
        Format = format,
        Input = CallInput.FromString(input),
        Labels = new Dictionary<string, string>(TestRun.Labels),
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        // The names of the wire contract (docs/fleet.md).
        await using var connection = new NATS.Client.Core.NatsConnection(new NATS.Client.Core.NatsOpts { Url = NatsUrl });
        var js = new NatsJSContext(connection);
        var kv = new NatsKVContext(js);
        await Quietly(() => js.DeleteStreamAsync($"FNP_{Fleet}_ASYNC").AsTask());
        await Quietly(() => kv.DeleteStoreAsync($"FNP_{Fleet}_RESULTS").AsTask());
        await Quietly(() => kv.DeleteStoreAsync($"FNP_{Fleet}_LIMITS").AsTask());
    }

    private static async Task Quietly(Func<Task> delete)
    {
        try
        {
            await delete();
        }
        catch (NatsJSApiException)
        {
            // Never created (no asynchronous call reached this fleet).
        }
    }
}
