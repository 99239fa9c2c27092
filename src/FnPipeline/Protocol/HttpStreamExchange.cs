using FnPipeline.Streaming;

namespace FnPipeline.Protocol;

/// <summary>
/// One request/response over a container's client: sends the call, reads the headers, and streams the body into a
/// pooled buffer when the status contract says it matters. Transport failures and cancellation propagate; the caller
/// knows why its token fired and what to do with the container. A function that answered before reading the whole
/// request body gets its answer delivered; only the connection is dropped (<see cref="EarlyAnswerStream"/>).
/// </summary>
internal static class HttpStreamExchange
{
    /// <summary>A buffered exchange (the body into a pooled buffer).</summary>
    public static Task<HttpStreamResponse> SendAsync(
        HttpStreamClient client, FunctionCall call, string callId, DateTimeOffset deadline, long maxBodyBytes, CancellationToken cancellationToken) =>
        SendAsync(client, call, callId, deadline, maxBodyBytes, streamer: null, cancellationToken);

    /// <summary>An exchange whose 200 body goes to <paramref name="streamer"/> as it arrives, when it is set.</summary>
    public static async Task<HttpStreamResponse> SendAsync(
        HttpStreamClient client,
        FunctionCall call,
        string callId,
        DateTimeOffset deadline,
        long maxBodyBytes,
        OutputStreamer? streamer,
        CancellationToken cancellationToken)
    {
        using var request = HttpStreamRequestFactory.Create(call, callId, deadline);
        var response = await ExchangeAsync(client, request, maxBodyBytes, streamer, cancellationToken).ConfigureAwait(false);
        return client.DropConnectionIfRequestCut() ? response with { RequestCut = true } : response;
    }

    private static async Task<HttpStreamResponse> ExchangeAsync(
        HttpStreamClient client, HttpRequestMessage request, long maxBodyBytes, OutputStreamer? streamer, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var headers = ResponseHeaders.Collect(response);
        if (!HttpStreamStatusContract.ReadsBody(status))
        {
            return new HttpStreamResponse(status, headers, null, ResponseBodyState.Complete);
        }

        if (streamer is not null && status == 200 && !OutputStreamer.IsSmall(response.Content.Headers.ContentLength))
        {
            // A streaming call: the head goes to the caller now, the body as it comes (never buffered whole).
            streamer.BeginOutput(status, headers);
            var streamed = await ResponseBodyReader.StreamAsync(response.Content, streamer, maxBodyBytes, cancellationToken).ConfigureAwait(false);
            return new HttpStreamResponse(status, headers, null, streamed);
        }

        var (body, state) = await ResponseBodyReader
            .ReadAsync(response.Content, maxBodyBytes, client.Options.MaxDrainBytes, cancellationToken)
            .ConfigureAwait(false);
        return new HttpStreamResponse(status, headers, body, state);
    }
}
