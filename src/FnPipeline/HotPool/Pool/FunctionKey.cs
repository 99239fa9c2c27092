using System.Security.Cryptography;

namespace FnPipeline.HotPool;

/// <summary>
/// Identifies one hot function: a SHA-256 over everything that makes its containers differ (image, command,
/// resources, environment/config, mounts, labels, idle timeout, identity, credentials). Calls with equal keys may share
/// containers. A struct of four words, so that looking up a pool allocates nothing.
/// </summary>
internal readonly record struct FunctionKey(ulong A, ulong B, ulong C, ulong D)
{
    public static FunctionKey Compute(FunctionCall call, FnPipelineOptions options)
    {
        var writer = new FunctionKeyWriter();
        try
        {
            WriteContainerShape(ref writer, call, options);
            WriteIdentity(ref writer, call, options);
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

    private static void WriteContainerShape(ref FunctionKeyWriter writer, FunctionCall call, FnPipelineOptions options)
    {
        writer.Write(call.Image);
        writer.Write(call.Command);
        writer.Write(call.Environment);
        writer.Write(call.MemoryMB > 0 ? call.MemoryMB : options.DefaultMemoryMB);
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
        writer.Write(call.ReadOnlyRootFs ?? options.ReadOnlyRootFs ? 1 : 0);
        writer.Write(call.Init ?? options.EnableInit ? 1 : 0);
        writer.Write(call.LogDriver?.Type);
        writer.Write(call.LogDriver?.Config);
        writer.Write(call.Network);
    }

    private static void WriteIdentity(ref FunctionKeyWriter writer, FunctionCall call, FnPipelineOptions options)
    {
        writer.Write(call.AppId);
        writer.Write(call.AppName);
        writer.Write(call.FunctionId);
        writer.Write(call.FunctionName);

        // The idle timeout shapes a container's life, so it is part of the key. The call timeout is not: it is per
        // call here (Fn keyed on it because its timeout belonged to the function), and it reaches the function as
        // Fn-Deadline with each request, so calls with different timeouts can share containers.
        writer.Write((call.IdleTimeout ?? options.Hot.IdleTimeout).Ticks);

        // A container pulled with one caller's credentials must not serve a caller without them.
        writer.Write(call.RegistryCredentials?.ServerAddress);
        writer.Write(call.RegistryCredentials?.Username);
        writer.Write(call.RegistryCredentials?.Password);
    }
}
