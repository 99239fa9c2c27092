using System.Globalization;
using Docker.DotNet.Models;

namespace FnPipeline.Docker;

/// <summary>
/// Turns a <see cref="Driver.ContainerSpec"/> into the engine's create request, one <c>Configure*</c> step per concern
/// in Fn's cookie order (labels, logger, memory, cmd, env, CPU, fs size, pids, ulimits, tmpfs, volumes, workdir,
/// network, hostname, security), plus stdin.
/// </summary>
internal static class CreateParametersBuilder
{
    public const long CpuPeriodMicroseconds = 100_000;

    /// <summary>The user an unprivileged container runs as (Fn's choice).</summary>
    public const string UnprivilegedUser = "1000:1000";

    /// <summary>Builds the request; <paramref name="networkMode"/> is the network the driver already picked.</summary>
    public static CreateContainerParameters Build(Driver.ContainerSpec spec, DockerDriverSettings settings, string networkMode)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        var parameters = new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            AttachStdout = true,
            AttachStderr = true,
            HostConfig = new HostConfig { ReadonlyRootfs = spec.ReadOnlyRootFs, Init = spec.Init },
        };
        ConfigureLabels(parameters, spec.Labels, settings.InstanceId, settings.OwnerLabels);
        ConfigureLogger(parameters, spec.Logging);
        ConfigureMemory(parameters, spec.Resources.MemoryBytes);
        ConfigureCmd(parameters, spec.Command);
        ConfigureEnv(parameters, spec.Environment);
        ConfigureCpu(parameters, spec.Resources.MilliCpus);
        ConfigureFsSize(parameters, spec.Resources.FsSizeMB);
        ConfigurePids(parameters, spec.Resources.PidsLimit > 0 ? spec.Resources.PidsLimit : settings.PidsLimit);
        ConfigureUlimits(parameters, settings.Ulimits);
        ConfigureTmpFs(parameters, spec.Resources.TmpFsMB, spec.Resources.TmpFsInodes > 0 ? spec.Resources.TmpFsInodes : settings.MaxTmpFsInodes, spec.ReadOnlyRootFs);
        ConfigureVolumes(parameters, spec.Volumes);
        ConfigureWorkDir(parameters, spec.WorkingDirectory);
        ConfigureNetwork(parameters, networkMode);
        ConfigureHostname(parameters, spec.Hostname);
        ConfigureSecurity(parameters, settings.Unprivileged);
        ConfigureStdin(parameters, spec.AttachStdin);
        return parameters;
    }

    /// <summary>The executor's labels (owner labels included) always win over the spec's, so reaping can trust them.</summary>
    public static void ConfigureLabels(
        CreateContainerParameters parameters, IReadOnlyDictionary<string, string> labels, string instanceId, IReadOnlyDictionary<string, string>? ownerLabels = null)
    {
        var all = new Dictionary<string, string>(labels, StringComparer.Ordinal)
        {
            [DockerLabels.Managed] = "true",
            [DockerLabels.Instance] = instanceId,
        };
        foreach (var (key, value) in ownerLabels ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        parameters.Labels = all;
    }

    /// <summary>No engine-side logging by default: output reaches the executor through attach.</summary>
    public static void ConfigureLogger(CreateContainerParameters parameters, LogDriverOptions? logging)
    {
        logging ??= LogDriverOptions.None;
        HostOf(parameters).LogConfig = new LogConfig
        {
            Type = logging.Type,
            Config = logging.Config is null ? new Dictionary<string, string>() : new Dictionary<string, string>(logging.Config),
        };
    }

    /// <summary>
    /// Swap equal to memory disables swap, and swappiness 0 keeps the kernel from swapping the container out (Fn HEAD).
    /// KernelMemory is left alone: it is deprecated and cgroup v2 rejects it.
    /// </summary>
    public static void ConfigureMemory(CreateContainerParameters parameters, long memoryBytes)
    {
        if (memoryBytes <= 0)
        {
            return;
        }

        HostOf(parameters).Memory = memoryBytes;
        HostOf(parameters).MemorySwap = memoryBytes;
        HostOf(parameters).MemorySwappiness = 0;
    }

    /// <summary>No command keeps the image's CMD.</summary>
    public static void ConfigureCmd(CreateContainerParameters parameters, IReadOnlyList<string>? command)
    {
        if (command is { Count: > 0 })
        {
            parameters.Cmd = [.. command];
        }
    }

    public static void ConfigureEnv(CreateContainerParameters parameters, IReadOnlyList<KeyValuePair<string, string>> environment)
    {
        parameters.Env = environment.Select(pair => $"{pair.Key}={pair.Value}").ToList();
    }

    /// <summary>mCPU × 100 µs of quota per 100 ms period: 1000 mCPU is one CPU.</summary>
    public static void ConfigureCpu(CreateContainerParameters parameters, long milliCpus)
    {
        if (milliCpus <= 0)
        {
            return;
        }

        HostOf(parameters).CPUQuota = milliCpus * 100;
        HostOf(parameters).CPUPeriod = CpuPeriodMicroseconds;
    }

    /// <summary>Needs overlay on xfs with pquota; other engines refuse the create (see <see cref="DockerContainerDriver"/>).</summary>
    public static void ConfigureFsSize(CreateContainerParameters parameters, long fsSizeMB)
    {
        if (fsSizeMB <= 0)
        {
            return;
        }

        HostOf(parameters).StorageOpt = new Dictionary<string, string>
        {
            ["size"] = fsSizeMB.ToString(CultureInfo.InvariantCulture) + "M",
        };
    }

    public static void ConfigurePids(CreateContainerParameters parameters, long pidsLimit)
    {
        if (pidsLimit > 0)
        {
            HostOf(parameters).PidsLimit = pidsLimit;
        }
    }

    /// <summary>Soft and hard alike, as Fn's configureULimits.</summary>
    public static void ConfigureUlimits(CreateContainerParameters parameters, IReadOnlyList<KeyValuePair<string, long>> ulimits)
    {
        if (ulimits.Count > 0)
        {
            HostOf(parameters).Ulimits = ulimits.Select(u => new Ulimit { Name = u.Key, Soft = u.Value, Hard = u.Value }).ToList();
        }
    }

    /// <summary>
    /// Fn's configureSecurity, when asked: user 1000:1000, no capabilities, and no way to gain privileges (setuid
    /// binaries). The hot pool's socket directories are already open to any user.
    /// </summary>
    public static void ConfigureSecurity(CreateContainerParameters parameters, bool unprivileged)
    {
        if (!unprivileged)
        {
            return;
        }

        parameters.User = UnprivilegedUser;
        HostOf(parameters).CapDrop = ["ALL"];
        HostOf(parameters).SecurityOpt = ["no-new-privileges"];
    }

    /// <summary>
    /// A read-only root still needs a writable <c>/tmp</c>: unsized (<c>""</c>, the engine's defaults) unless a size is
    /// asked for, then <c>size=Nm</c> plus the inode cap when one is set (Fn's configureTmpFs).
    /// </summary>
    public static void ConfigureTmpFs(CreateContainerParameters parameters, long tmpFsMB, long inodes, bool readOnlyRootFs)
    {
        if (tmpFsMB <= 0 && !readOnlyRootFs)
        {
            return;
        }

        var options = "";
        if (tmpFsMB > 0)
        {
            options = string.Create(CultureInfo.InvariantCulture, $"size={tmpFsMB}m");
            if (inodes > 0)
            {
                options += string.Create(CultureInfo.InvariantCulture, $",nr_inodes={inodes}");
            }
        }

        HostOf(parameters).Tmpfs = new Dictionary<string, string> { ["/tmp"] = options };
    }

    public static void ConfigureVolumes(CreateContainerParameters parameters, IReadOnlyList<VolumeMount> volumes)
    {
        if (volumes.Count == 0)
        {
            return;
        }

        HostOf(parameters).Binds = volumes
            .Select(v => v.ReadOnly ? $"{v.HostPath}:{v.ContainerPath}:ro" : $"{v.HostPath}:{v.ContainerPath}")
            .ToList();
    }

    public static void ConfigureWorkDir(CreateContainerParameters parameters, string? workingDirectory)
    {
        if (!string.IsNullOrEmpty(workingDirectory))
        {
            parameters.WorkingDir = workingDirectory;
        }
    }

    public static void ConfigureNetwork(CreateContainerParameters parameters, string networkMode)
    {
        HostOf(parameters).NetworkMode = networkMode;
    }

    /// <summary>The engine refuses a hostname with <c>container:&lt;id&gt;</c> ("conflicting options: hostname and the network mode").</summary>
    public static void ConfigureHostname(CreateContainerParameters parameters, string? hostname)
    {
        if (!string.IsNullOrEmpty(hostname) && !IsSharedNamespace(HostOf(parameters).NetworkMode))
        {
            parameters.Hostname = hostname;
        }
    }

    /// <summary>
    /// Stdin stays open until the driver closes its write side (StdinOnce), so <c>cat</c> sees end of input exactly
    /// when the call's input ends.
    /// </summary>
    public static void ConfigureStdin(CreateContainerParameters parameters, bool attachStdin)
    {
        parameters.OpenStdin = attachStdin;
        parameters.StdinOnce = attachStdin;
        parameters.AttachStdin = attachStdin;
    }

    private static HostConfig HostOf(CreateContainerParameters parameters) => parameters.HostConfig ??= new HostConfig();

    public static bool IsSharedNamespace(string? networkMode) =>
        networkMode is not null && networkMode.StartsWith("container:", StringComparison.Ordinal);
}
