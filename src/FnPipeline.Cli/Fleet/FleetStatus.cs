using System.Globalization;
using System.Text;
using System.Text.Json;
using FnPipeline.Fleet;
using FnPipeline.Fleet.Wire;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace FnPipeline.Cli.Fleet;

/// <summary>What <c>fnpipe fleet status</c> gathered: the nodes' announcements and the asynchronous queue, when there is one.</summary>
internal sealed record FleetStatusReport(string Fleet, string Url, IReadOnlyList<NodeAnnouncement> Nodes, AsyncQueueState? Async, string? AsyncNote);

/// <summary>The asynchronous calls stream of a fleet: calls stored and not yet taken, and calls taken and not yet acknowledged.</summary>
internal sealed record AsyncQueueState(string Stream, long Stored, long Pending, long Running);

/// <summary>
/// Asks every node of a fleet for its announcement (a request on <c>fnp.&lt;fleet&gt;.node.status</c>, replies gathered
/// for a bounded time) and reads the fleet's asynchronous calls stream, then prints one table.
/// </summary>
internal static class FleetStatus
{
    private static readonly string[] Header = ["NODE", "STATE", "IN-FLIGHT", "HOT", "ASYNC", "UP", "ENGINE"];

    /// <summary>Gathers the report; throws <see cref="FnEngineException"/> when NATS cannot be reached.</summary>
    public static async Task<FleetStatusReport> GatherAsync(FleetOptions options, TimeSpan wait, CancellationToken cancellationToken)
    {
        var subjects = new FleetSubjects(options.Fleet);
        var connection = FleetConnections.Create(options);
        await using var _ = connection.ConfigureAwait(false);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(options.ConnectTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException)
        {
            throw new FnEngineException($"Cannot reach NATS at {options.Url} (fleet '{options.Fleet}'): {ex.Message}", ex);
        }

        var nodes = new List<NodeAnnouncement>();
        var replies = connection.RequestManyAsync<byte[], byte[]>(
            subjects.Status,
            [],
            replyOpts: new NatsSubOpts { Timeout = wait },
            cancellationToken: cancellationToken);
        try
        {
            await foreach (var reply in replies.ConfigureAwait(false))
            {
                if (reply.HasNoResponders)
                {
                    break;
                }

                if (reply.Data is { Length: > 0 } data
                    && JsonSerializer.Deserialize(data, FleetJsonContext.Default.NodeAnnouncement) is { } announcement)
                {
                    nodes.Add(announcement);
                }
            }
        }
        catch (NatsNoRespondersException)
        {
            // No node of the fleet is connected: an empty list, said plainly by Format.
        }

        var (queue, note) = await AsyncQueueAsync(connection, subjects, cancellationToken).ConfigureAwait(false);
        return new FleetStatusReport(options.Fleet, options.Url, [.. nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal)], queue, note);
    }

    private static async Task<(AsyncQueueState?, string?)> AsyncQueueAsync(NatsConnection connection, FleetSubjects subjects, CancellationToken cancellationToken)
    {
        var js = new NatsJSContext(connection);
        try
        {
            var stream = await js.GetStreamAsync(subjects.AsyncStream, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                var consumer = await js.GetConsumerAsync(subjects.AsyncStream, subjects.AsyncConsumer, cancellationToken).ConfigureAwait(false);
                return (new AsyncQueueState(subjects.AsyncStream, stream.Info.State.Messages, (long)consumer.Info.NumPending, consumer.Info.NumAckPending), null);
            }
            catch (NatsJSApiException e) when (e.Error.Code == 404)
            {
                return (new AsyncQueueState(subjects.AsyncStream, stream.Info.State.Messages, stream.Info.State.Messages, 0), null);
            }
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return (null, $"no stream {subjects.AsyncStream} (no asynchronous call was submitted to this fleet)");
        }
        catch (NatsJSException e)
        {
            return (null, $"JetStream did not answer: {e.Message}");
        }
    }

    /// <summary>The report as text: a line per node, then the hot functions, then the asynchronous queue.</summary>
    public static string Format(FleetStatusReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"fleet '{report.Fleet}' on {report.Url}: {report.Nodes.Count} node(s)");
        if (report.Nodes.Count > 0)
        {
            var rows = new List<string[]> { Header };
            rows.AddRange(report.Nodes.Select(n => new[]
            {
                n.NodeId,
                n.Draining ? "draining" : "taking calls",
                $"{n.InFlight}/{n.Capacity}",
                n.HotFunctions.Count.ToString(inv),
                n.QueuedAsync?.ToString(inv) ?? "-",
                Age(now - n.StartedAt),
                $"{n.EngineEndpoint ?? "?"}{(n.EngineVersion is { } version ? $" (Docker {version})" : "")}",
            }));
            var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
            foreach (var row in rows)
            {
                text.AppendLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
            }

            var hot = report.Nodes.SelectMany(n => n.HotFunctions.Select(f => (Node: n.NodeId, Function: f))).ToList();
            text.AppendLine(inv, $"hot functions: {(hot.Count == 0 ? "none" : "")}");
            foreach (var (node, function) in hot)
            {
                text.AppendLine(inv, $"  {node}  {function.Name ?? "(unnamed)"}  {function.Image}  key {function.Key}");
            }

            var calls = report.Nodes.Sum(n => n.InFlight);
            text.AppendLine(inv, $"synchronous calls running: {calls} of {report.Nodes.Where(n => !n.Draining).Sum(n => n.Capacity)} places");
        }
        else
        {
            text.AppendLine(inv, $"no node of fleet '{report.Fleet}' answered: start one with 'fnpipe node --nats {report.Url}', or check --fleet and the NATS credentials.");
        }

        text.AppendLine(report.Async is { } queue
            ? string.Create(inv, $"asynchronous calls ({queue.Stream}): {queue.Pending} queued, {queue.Running} taken by nodes and not yet acknowledged, {queue.Stored} stored")
            : $"asynchronous calls: {report.AsyncNote}");
        return text.ToString();
    }

    private static string Age(TimeSpan age) => age.TotalSeconds < 0 ? "0s"
        : age.TotalHours >= 1 ? $"{(int)age.TotalHours}h{age.Minutes:00}m"
        : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes}m{age.Seconds:00}s"
        : $"{(int)age.TotalSeconds}s";
}
