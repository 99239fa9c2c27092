namespace FnPipeline.Driver;

/// <summary>
/// Turns a <see cref="ResolvedCall"/> (defaults already applied) plus the executor's settings into a
/// <see cref="ContainerSpec"/>: the contract's environment added, the executor's labels set.
/// </summary>
internal sealed class ContainerSpecFactory(ExecutorSettings settings)
{
    public const string ManagedLabel = "fnpipeline.managed";
    public const string InstanceLabel = "fnpipeline.instance";
    public const string CallIdLabel = "fnpipeline.call-id";
    public const string FormatLabel = "fnpipeline.format";

    public string InstanceId { get; } = settings.InstanceId;

    /// <summary>A spec for a cold (default-format) call's container.</summary>
    public ContainerSpec ForColdCall(ResolvedCall call)
    {
        var callId = call.CallId;
        var environment = ContractEnvironment(call, callId);
        AddUserEnvironment(environment, call.Call);
        return Build(call, $"fnpipeline-{InstanceId}-{callId}", environment, attachStdin: true, callId);
    }

    /// <summary>A spec for a hot (http-stream) container: socket directory bound at <c>/tmp/iofs</c>, stdin closed.</summary>
    public ContainerSpec ForHotContainer(ResolvedCall call, string containerName, string socketDirectory)
    {
        var environment = ContractEnvironment(call, callId: null);
        environment.Add(new("FN_FORMAT", FunctionFormatNames.HttpStream));
        environment.Add(new("FN_LISTENER", $"unix:{ReservedNames.SocketMountPath}/lsnr.sock"));
        AddUserEnvironment(environment, call.Call);
        var spec = Build(call, containerName, environment, attachStdin: false, callId: null);
        return spec with { Volumes = [.. spec.Volumes, new VolumeMount(socketDirectory, ReservedNames.SocketMountPath)] };
    }

    private static List<KeyValuePair<string, string>> ContractEnvironment(ResolvedCall resolved, string? callId)
    {
        var call = resolved.Call;
        var environment = new List<KeyValuePair<string, string>>(call.Environment.Count + 10)
        {
            new("FN_MEMORY", resolved.MemoryMB.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("FN_TYPE", "sync"),
            new("FN_APP_ID", call.AppId),
            new("FN_APP_NAME", call.AppName),
            new("FN_FN_ID", call.FunctionId),
            new("FN_FN_NAME", call.FunctionName),
        };
        if (callId is not null)
        {
            environment.Add(new("FN_CALL_ID", callId));
        }

        if (call.TmpFsMB > 0)
        {
            environment.Add(new("FN_TMPSIZE", call.TmpFsMB.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return environment;
    }

    private static void AddUserEnvironment(List<KeyValuePair<string, string>> environment, FunctionCall call)
    {
        // Sorted so that the same call always produces the same container (Fn's map order was random).
        foreach (var pair in call.Environment.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            environment.Add(pair);
        }
    }

    private ContainerSpec Build(
        ResolvedCall resolved,
        string name,
        List<KeyValuePair<string, string>> environment,
        bool attachStdin,
        string? callId)
    {
        var call = resolved.Call;
        var labels = new Dictionary<string, string>(call.Labels, StringComparer.Ordinal)
        {
            [ManagedLabel] = "true",
            [InstanceLabel] = InstanceId,
            [FormatLabel] = FunctionFormatNames.Of(call.Format),
        };
        if (callId is not null)
        {
            labels[CallIdLabel] = callId;
        }

        return new ContainerSpec
        {
            Name = name,
            Image = call.Image,
            Command = call.Command,
            Environment = environment,
            Resources = new ContainerResources
            {
                MemoryBytes = resolved.MemoryMB * 1024 * 1024,
                MilliCpus = call.MilliCpus,
                TmpFsMB = call.TmpFsMB,
                TmpFsInodes = settings.MaxTmpFsInodes,
                FsSizeMB = call.FsSizeMB,
                PidsLimit = settings.PidsLimit,
            },
            WorkingDirectory = call.WorkingDirectory,
            Volumes = call.Volumes,
            Labels = labels,
            ReadOnlyRootFs = resolved.ReadOnlyRootFs,
            Init = resolved.Init,
            Logging = call.LogDriver ?? LogDriverOptions.None,
            Network = call.Network,
            Hostname = Environment.MachineName,
            AttachStdin = attachStdin,
        };
    }
}
