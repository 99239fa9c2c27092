using System.Text.RegularExpressions;

namespace FnPipeline.Fleet.Node;

/// <summary>A node's default id (host name + 6 hex digits) and its NATS connection's name.</summary>
internal static partial class NodeIdentity
{
    /// <summary>The fleet options with the connection named after the node, unless a name was given.</summary>
    public static FleetOptions WithName(FleetOptions fleet, string nodeId)
    {
        if (fleet.ClientName is not null)
        {
            return fleet;
        }

        return new FleetOptions
        {
            Url = fleet.Url, Fleet = fleet.Fleet, User = fleet.User, Password = fleet.Password, Token = fleet.Token,
            NKeyFile = fleet.NKeyFile, CredsFile = fleet.CredsFile, TlsCaFile = fleet.TlsCaFile, TlsCertFile = fleet.TlsCertFile,
            TlsKeyFile = fleet.TlsKeyFile, ConnectTimeout = fleet.ConnectTimeout, ClientName = $"fnpipe-node {nodeId}",
        };
    }

    public static string DefaultNodeId()
    {
        var host = NotSubjectSafe().Replace(Environment.MachineName, "-");
        host = host.Length > 50 ? host[..50] : host;
        return $"{host}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3])}";
    }

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex NotSubjectSafe();
}
