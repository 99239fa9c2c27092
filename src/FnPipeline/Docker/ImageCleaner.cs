using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// Keeps the images this executor has used under a total size, as Fn's image cleaner: images no container of this
/// executor uses wait in least-recently-used order, and while the images it knows exceed the limit the oldest idle one
/// is removed from the engine. Only images the executor ensured are ever considered (other images on a shared engine
/// are not its to remove), minus those carrying an exempt tag. Sizes are the engine's, shared layers counted per image.
/// </summary>
internal sealed class ImageCleaner : IAsyncDisposable
{
    private readonly IDockerClient _client;
    private readonly long _maxBytes;
    private readonly HashSet<string> _exemptTags;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrackedImage> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idByReference = new(StringComparer.Ordinal);
    private readonly LinkedList<TrackedImage> _idle = [];
    private readonly CancellationTokenSource _disposed = new();
    private TrackedImage? _lastTouched;
    private long _totalBytes;
    /// <summary>Set and cleared under the lock, with the checks: a request either sees the loop or starts one.</summary>
    private bool _evicting;
    private Task _eviction = Task.CompletedTask;

    public ImageCleaner(IDockerClient client, long maxBytes, IEnumerable<string> exemptTags, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _client = client;
        _maxBytes = maxBytes;
        _exemptTags = new HashSet<string>(exemptTags, StringComparer.Ordinal);
        _logger = logger;
    }

    /// <summary>Bytes of the images tracked now (busy and idle).</summary>
    public long TotalBytes
    {
        get
        {
            lock (_gate)
            {
                return _totalBytes;
            }
        }
    }

    /// <summary>The eviction under way, if any (tests wait on it).</summary>
    public Task Eviction
    {
        get
        {
            lock (_gate)
            {
                return _eviction;
            }
        }
    }

    /// <summary>Records that <paramref name="reference"/> is <paramref name="image"/> and was just used.</summary>
    public void Touch(string reference, ImageInspectResponse image)
    {
        if (string.IsNullOrEmpty(image.ID) || image.RepoTags?.Any(_exemptTags.Contains) == true)
        {
            return;
        }

        lock (_gate)
        {
            _idByReference[reference] = image.ID;
            if (!_byId.TryGetValue(image.ID, out var tracked))
            {
                tracked = new TrackedImage(image.ID, reference, Math.Max(0, image.Size));
                _byId.Add(image.ID, tracked);
                _totalBytes += tracked.Bytes;
                _idle.AddLast(tracked.Node);
            }
            else if (tracked.Node.List is not null)
            {
                _idle.Remove(tracked.Node);
                _idle.AddLast(tracked.Node);
            }

            _lastTouched = tracked;
            RequestEvictionLocked();
        }
    }

    /// <summary>Marks the image of <paramref name="reference"/> in use until the returned action runs (once).</summary>
    public Action? Acquire(string reference)
    {
        lock (_gate)
        {
            if (!_idByReference.TryGetValue(reference, out var id) || !_byId.TryGetValue(id, out var tracked))
            {
                return null;
            }

            if (tracked.Users++ == 0 && tracked.Node.List is not null)
            {
                _idle.Remove(tracked.Node);
            }

            var released = 0;
            return () =>
            {
                if (Interlocked.Exchange(ref released, 1) == 0)
                {
                    Release(tracked);
                }
            };
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        try
        {
            await Eviction.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _disposed.Dispose();
    }

    private void Release(TrackedImage tracked)
    {
        lock (_gate)
        {
            // An image in use is never a victim, so it is still tracked; checked anyway, by identity, so that a stale
            // entry can never put its node back.
            if (--tracked.Users == 0 && _byId.TryGetValue(tracked.Id, out var current) && current == tracked)
            {
                _idle.AddLast(tracked.Node);
                RequestEvictionLocked();
            }
        }
    }

    /// <summary>
    /// The oldest idle image, never the one ensured last: its container is about to be created, and removing it now
    /// would fail that call (a limit below the images in use at once would otherwise do exactly that).
    /// </summary>
    private TrackedImage? NextVictimLocked()
    {
        if (_totalBytes <= _maxBytes || _disposed.IsCancellationRequested)
        {
            return null;
        }

        var oldest = _idle.First?.Value;
        return oldest is not null && oldest == _lastTouched ? oldest.Node.Next?.Value : oldest;
    }

    private void RequestEvictionLocked()
    {
        if (NextVictimLocked() is null)
        {
            return;
        }

        if (_evicting)
        {
            return;
        }

        _evicting = true;
        _eviction = Task.Run(EvictAsync);
    }

    private async Task EvictAsync()
    {
        while (true)
        {
            TrackedImage? victim;
            lock (_gate)
            {
                victim = NextVictimLocked();
                if (victim is null)
                {
                    _evicting = false;
                    return;
                }

                Forget(victim);
            }

            await RemoveAsync(victim).ConfigureAwait(false);
        }
    }

    private void Forget(TrackedImage image)
    {
        if (_lastTouched == image)
        {
            _lastTouched = null;
        }

        _idle.Remove(image.Node);
        _byId.Remove(image.Id);
        _totalBytes -= image.Bytes;
        foreach (var reference in _idByReference.Where(pair => pair.Value == image.Id).Select(pair => pair.Key).ToList())
        {
            _idByReference.Remove(reference);
        }
    }

    private async Task RemoveAsync(TrackedImage image)
    {
        try
        {
            await _client.Images.DeleteImageAsync(image.Id, new ImageDeleteParameters { Force = false }, _disposed.Token).ConfigureAwait(false);
            DockerLog.ImageEvicted(_logger, image.Reference, new TruncatedId(image.Id), image.Bytes);
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e))
        {
            // Removed by someone else: already what we wanted.
        }
        catch (DockerApiException e)
        {
            // E.g. 409: another container (not ours) uses it, or another name points at it. Not retried: it stays
            // untracked until a call uses it again.
            DockerLog.ImageEvictionRefused(_logger, image.Reference, new TruncatedId(image.Id), DockerErrors.MessageOf(e));
        }
    }

    private sealed class TrackedImage
    {
        public TrackedImage(string id, string reference, long bytes)
        {
            Id = id;
            Reference = reference;
            Bytes = bytes;
            Node = new LinkedListNode<TrackedImage>(this);
        }

        public string Id { get; }

        public string Reference { get; }

        public long Bytes { get; }

        public LinkedListNode<TrackedImage> Node { get; }

        /// <summary>Containers of this executor created from the image and not yet removed.</summary>
        public int Users { get; set; }
    }
}
