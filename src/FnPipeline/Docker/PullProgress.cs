using Docker.DotNet.Models;

namespace FnPipeline.Docker;

/// <summary>
/// Watches a pull's progress stream for the error the engine reports in-band (after it has already answered 200), and
/// forwards each event to the executor's <see cref="FnPipelineOptions.ImagePullProgress"/> when one is set.
/// Called synchronously by the stream reader, unlike <see cref="Progress{T}"/>, so the error is known when the pull returns.
/// </summary>
internal sealed class PullProgress(string image = "", IProgress<ImagePullProgress>? forward = null) : IProgress<JSONMessage>
{
    /// <summary>The first error message the stream carried, if any.</summary>
    public string? Error { get; private set; }

    /// <summary>The code that came with <see cref="Error"/>, if any.</summary>
    public long? ErrorCode { get; private set; }

    public void Report(JSONMessage value)
    {
        if (value is null)
        {
            return;
        }

        if (Error is null && value.Error is { } error && !string.IsNullOrEmpty(error.Message))
        {
            Error = error.Message;
            ErrorCode = error.Code;
        }

        if (forward is not null && !string.IsNullOrEmpty(value.Status))
        {
            var bytes = value.Progress;
            forward.Report(new ImagePullProgress(
                image,
                string.IsNullOrEmpty(value.ID) ? null : value.ID,
                value.Status,
                bytes is { Current: > 0 } ? bytes.Current : null,
                bytes is { Total: > 0 } ? bytes.Total : null));
        }
    }
}
