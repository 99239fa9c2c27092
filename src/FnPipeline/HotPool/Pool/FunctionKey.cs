using System.Security.Cryptography;

namespace FnPipeline.HotPool;

/// <summary>
/// Identifies one hot function: a SHA-256 over everything that makes its containers differ (image, command,
/// resources, environment/config, mounts, labels, idle timeout, identity, credentials). Calls with equal keys may share
/// containers. A struct of four words, so that looking up a pool allocates nothing.
/// </summary>
internal readonly record struct FunctionKey(ulong A, ulong B, ulong C, ulong D)
{
    public static FunctionKey Compute(ResolvedCall call)
    {
        var writer = new FunctionKeyWriter();
        try
        {
            WriteContainerShape(ref writer, call);
            WriteIdentity(ref writer, call);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(writer.Written, hash);
            return new FunctionKey(
                BitConverter.ToUInt64(hash[..8]),
                BitConverter.ToUInt64(hash[8..16]),
                BitConverter.ToUInt64(hash[16..24]),
                BitConverter.ToUInt64(hash[24..32]));
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>The first 12 hex digits, for logs.</summary>
    public override string ToString() => A.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)[..12];

    private static void WriteContainerShape(ref FunctionKeyWriter writer, ResolvedCall resolved)
    {
        var call = resolved.Call;
        writer.Write(call.Image);
        writer.Write(call.Command);
        writer.Write(call.Environment);
        writer.Write(resolved.MemoryMB);
        writer.Write(call.MilliCpus);
        writer.Write(call.TmpFsMB);
        writer.Write(call.FsSizeMB);
        writer.Write(call.WorkingDirectory);
        writer.Write(call.Volumes.Count);
        foreach (var volume in call.Volumes)
        {
            writer.Write(volume.HostPath);
            writer.Write(volume.ContainerPath);
            writer.Write(volume.ReadOnly ? 1 : 0);
        }

        writer.Write(call.Labels);
        writer.Write(resolved.ReadOnlyRootFs ? 1 : 0);
        writer.Write(resolved.Init ? 1 : 0);
        writer.Write(call.LogDriver?.Type);
        writer.Write(call.LogDriver?.Config);
        writer.Write(call.Network);
    }

    private static void WriteIdentity(ref FunctionKeyWriter writer, ResolvedCall resolved)
    {
        var call = resolved.Call;
        writer.Write(call.AppId);
        writer.Write(call.AppName);
        writer.Write(call.FunctionId);
        writer.Write(call.FunctionName);

        // The idle timeout shapes a container's life, so it is part of the key. The call timeout is not: it is per
        // call here (Fn keyed on it because its timeout belonged to the function), and it reaches the function as
        // Fn-Deadline with each request, so calls with different timeouts can share containers.
        writer.Write(resolved.IdleTimeout.Ticks);

        // A container pulled with one caller's credentials must not serve a caller without them.
        writer.Write(call.RegistryCredentials?.ServerAddress);
        writer.Write(call.RegistryCredentials?.Username);
        writer.Write(call.RegistryCredentials?.Password);
    }
}
