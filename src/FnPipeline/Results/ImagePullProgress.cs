namespace FnPipeline;

/// <summary>
/// One progress event of an image pull, as the engine streams it: one per layer and status change, and image-wide
/// lines such as <c>Pulling from …</c> or <c>Status: Downloaded newer image …</c>. Received through
/// <see cref="FnPipelineOptions.ImagePullProgress"/>.
/// </summary>
/// <param name="Image">The image being pulled, as the call named it.</param>
/// <param name="LayerId">The layer the event is about; <c>null</c> for image-wide events.</param>
/// <param name="Status">The engine's status text, e.g. <c>Downloading</c>, <c>Extracting</c>, <c>Pull complete</c>.</param>
/// <param name="Current">Bytes done for this layer in this status, when the engine says.</param>
/// <param name="Total">Bytes of this layer in this status, when known.</param>
public sealed record ImagePullProgress(string Image, string? LayerId, string Status, long? Current, long? Total);
