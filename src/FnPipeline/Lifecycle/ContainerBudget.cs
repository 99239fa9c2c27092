namespace FnPipeline.Lifecycle;

/// <summary>
/// A lane's cap on the containers it has at once, from reservation (before the create) until the removal gave the
/// place back. One instance per lane: the cold lane's <see cref="FnPipelineOptions.MaxContainers"/> (calls wait for a
/// place: <see cref="ReserveAsync"/>) and the hot pool's <see cref="HotPoolOptions.MaxContainers"/> (a launch reserves
/// without waiting, <see cref="TryReserve"/>, and its callers wait in their pool; whoever frees a place wakes them).
/// </summary>
internal sealed class ContainerBudget(int maxContainers) : IDisposable
{
    private readonly SemaphoreSlim _places = new(maxContainers, maxContainers);

    public int MaxContainers { get; } = maxContainers;

    /// <summary>Places reserved now.</summary>
    public int Used => MaxContainers - _places.CurrentCount;

    /// <summary>Reserves a place if one is free now; never waits.</summary>
    public bool TryReserve() => _places.Wait(0);

    /// <summary>Waits for a free place (first come, first served).</summary>
    public Task ReserveAsync(CancellationToken cancellationToken) => _places.WaitAsync(cancellationToken);

    public void Release()
    {
        try
        {
            _places.Release();
        }
        catch (SemaphoreFullException ex)
        {
            throw new InvalidOperationException($"A container budget of {MaxContainers} was released more often than reserved.", ex);
        }
    }

    public void Dispose() => _places.Dispose();
}
