using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.Docker;

/// <summary>Loads a <c>docker save</c> tarball into the engine at start-up (Fn's <c>FN_DOCKER_LOAD_FILE</c>).</summary>
internal static class ImageLoader
{
    public static async Task LoadAsync(IDockerClient client, string file, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"Image load file '{file}' does not exist.", file);
        }

        var progress = new PullProgress();
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, stream, progress, cancellationToken).ConfigureAwait(false);
        }

        if (progress.Error is { } error)
        {
            throw new InvalidOperationException($"Loading images from '{file}' failed: {error}");
        }
    }
}
