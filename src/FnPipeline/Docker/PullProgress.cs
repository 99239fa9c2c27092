using Docker.DotNet.Models;

namespace FnPipeline.Docker;

/// <summary>
/// Watches a pull's progress stream for the error the engine reports in-band (after it has already answered 200).
/// Called synchronously by the stream reader, unlike <see cref="Progress{T}"/>, so the error is known when the pull returns.
/// </summary>
internal sealed class PullProgress : IProgress<JSONMessage>
{
    /// <summary>The first error message the stream carried, if any.</summary>
    public string? Error { get; private set; }

    /// <summary>The code that came with <see cref="Error"/>, if any.</summary>
    public long? ErrorCode { get; private set; }

    public void Report(JSONMessage value)
    {
        if (Error is null && value?.Error is { } error && !string.IsNullOrEmpty(error.Message))
        {
            Error = error.Message;
            ErrorCode = error.Code;
        }
    }
}
