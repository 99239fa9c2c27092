using Docker.DotNet;

namespace FnPipeline.Docker;

/// <summary>
/// Where engine failures get their type. The driver's requests to the engine run through <see cref="RunAsync{T}"/>:
/// a failure (engine unreachable, connection broken, an answer the caller did not expect, no answer in time) leaves it
/// as an <see cref="FnEngineException"/> naming the endpoint and the operation; a cancellation of the caller's token as
/// an <see cref="OperationCanceledException"/>, whatever the transport threw meanwhile. Answers a caller expects (404
/// gone, 409 not running, a refusal that belongs to the call) it reads inside the request it passes in, so they never
/// reach this point as failures; <see cref="FnCallException"/>s pass unchanged.
/// </summary>
internal sealed class EngineCalls(string endpoint)
{
    /// <summary>The engine's address as the messages name it.</summary>
    public string Endpoint { get; } = endpoint;

    public async Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        try
        {
            return await request(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(operation, e, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public async Task RunAsync(string operation, Func<CancellationToken, Task> request, CancellationToken cancellationToken)
    {
        try
        {
            await request(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(operation, e, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The engine failure of <paramref name="operation"/> caused by <paramref name="cause"/>.</summary>
    public FnEngineException Failure(string operation, Exception cause) =>
        new($"Engine {Endpoint}: {operation} failed: {Describe(cause)}", cause);

    /// <summary><c>null</c> when <paramref name="e"/> leaves as it is (already typed, or the caller's own cancellation).</summary>
    private Exception? Translate(string operation, Exception e, CancellationToken cancellationToken)
    {
        if (e is FnEngineException or FnCallException)
        {
            return null;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // Cancelling a request can surface as a broken stream or connection: it is still the cancellation.
            return e is OperationCanceledException ? null : new OperationCanceledException($"{operation} was cancelled.", e, cancellationToken);
        }

        return Failure(operation, e);
    }

    /// <summary>The engine's own words for an API error; otherwise each distinct message down the cause chain.</summary>
    private static string Describe(Exception cause)
    {
        if (cause is DockerApiException api)
        {
            return $"{(int)api.StatusCode} {DockerErrors.MessageOf(api)}";
        }

        if (cause is OperationCanceledException { InnerException: TimeoutException timeout })
        {
            return $"no answer in time ({timeout.Message})";
        }

        var messages = new List<string>();
        for (var current = cause; current is not null; current = current.InnerException)
        {
            if (!messages.Exists(m => m.Contains(current.Message, StringComparison.Ordinal)))
            {
                messages.Add(current.Message);
            }
        }

        return messages.Count == 1 ? messages[0] : $"{messages[0]} ({string.Join("; ", messages.Skip(1))})";
    }
}
