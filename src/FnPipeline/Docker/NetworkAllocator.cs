namespace FnPipeline.Docker;

/// <summary>
/// Spreads function containers over the configured networks, least used first (Fn's <c>DockerNetworks.AllocNetwork</c>).
/// Ties go to the network listed first, so the choice is deterministic, unlike Fn's map order.
/// </summary>
internal sealed class NetworkAllocator
{
    private readonly string[] _networks;
    private readonly int[] _inUse;
    private readonly Lock _gate = new();

    public NetworkAllocator(IEnumerable<string> networks)
    {
        _networks = networks.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        _inUse = new int[_networks.Length];
    }

    public bool IsEmpty => _networks.Length == 0;

    /// <summary>The least-used network, now counted as used; <c>null</c> when none is configured.</summary>
    public string? Acquire()
    {
        if (_networks.Length == 0)
        {
            return null;
        }

        lock (_gate)
        {
            var best = 0;
            for (var i = 1; i < _networks.Length; i++)
            {
                if (_inUse[i] < _inUse[best])
                {
                    best = i;
                }
            }

            _inUse[best]++;
            return _networks[best];
        }
    }

    /// <summary>Gives back a network from <see cref="Acquire"/>; unknown names are ignored (Fn's <c>FreeNetwork</c>).</summary>
    public void Release(string network)
    {
        var index = Array.IndexOf(_networks, network);
        if (index < 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_inUse[index] > 0)
            {
                _inUse[index]--;
            }
        }
    }

    /// <summary>How many containers use <paramref name="network"/> now.</summary>
    public int InUse(string network)
    {
        var index = Array.IndexOf(_networks, network);
        lock (_gate)
        {
            return index < 0 ? 0 : _inUse[index];
        }
    }
}
