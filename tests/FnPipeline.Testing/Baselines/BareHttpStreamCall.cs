using System.Globalization;

namespace FnPipeline.Testing.Baselines;

/// <summary>
/// The bare http-stream round trip of bench and load tests: the request the executor sends to a hot container, written
/// the plain way with an <see cref="HttpClient"/> on the container's socket (<see cref="Sockets.UnixSocketHttp"/>):
/// <c>POST /call</c> with the body, <c>Fn-Call-Id</c> and <c>Fn-Deadline</c>; the whole response read into an array.
/// </summary>
public static class BareHttpStreamCall
{
    /// <summary>One round trip: the response's status, reason and body length.</summary>
    public static async Task<BareResponse> PostAsync(HttpClient client, byte[] body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, "call") { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation("Fn-Call-Id", Guid.CreateVersion7().ToString("N"));
        request.Headers.TryAddWithoutValidation("Fn-Deadline", DateTime.UtcNow.AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        using var response = await client.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new BareResponse((int)response.StatusCode, response.ReasonPhrase, bytes.Length);
    }

    /// <summary>One round trip that must echo: throws unless the status is a success and the body has the payload's length.</summary>
    public static async Task<int> EchoAsync(HttpClient client, byte[] body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var response = await PostAsync(client, body, cancellationToken);
        return response.IsSuccess && response.BodyBytes == body.Length
            ? response.BodyBytes
            : throw new InvalidOperationException($"POST /call: {response.Status}, {response.BodyBytes} bytes");
    }
}

/// <summary>What a bare http-stream round trip got back.</summary>
public readonly record struct BareResponse(int Status, string? Reason, int BodyBytes)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
