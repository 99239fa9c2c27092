namespace FnPipeline.Fleet.Tests.Infrastructure;

/// <summary>
/// Calls that hold their container until the test lets them go: a busybox call reads its name from its input, creates
/// <c>&lt;name&gt;.started</c> (and a line in <c>&lt;name&gt;.runs</c>) in a folder mounted into the container, and
/// returns its name once <c>&lt;name&gt;.open</c> exists. The test waits on those files (signals) instead of sleeping, and each call carries the label
/// <c>fnpipeline.test.call=&lt;name&gt;</c>, so an engine's container list says which engine ran it.
/// </summary>
internal sealed class CallGate : IDisposable
{
    public const string CallLabelKey = "fnpipeline.test.call";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("fnp-gate-");

    private readonly string _prefix = "g" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The name of call <paramref name="index"/> (unique to this gate: it is also the call id).</summary>
    public string Name(int index) => $"{_prefix}-{index}";

    public FunctionCall Call(FleetKit kit, string name) => new()
    {
        Image = TestImages.Busybox,
        Command = ["sh", "-c", "read name; echo run >> /gate/$name.runs; touch /gate/$name.started; while [ ! -e /gate/$name.open ]; do sleep 0.05; done; echo -n $name"],
        Volumes = [new VolumeMount(_folder.FullName, "/gate")],
        Input = CallInput.FromString(name + "\n"),
        CallId = name,
        Labels = new Dictionary<string, string>(kit.Labels) { [CallLabelKey] = name },
        Timeout = TimeSpan.FromSeconds(120),
    };

    public bool Started(string name) => File.Exists(Path.Join(_folder.FullName, name + ".started"));

    /// <summary>How many times the call began to run (each run appends a line), on any node.</summary>
    public int Runs(string name) => Path.Join(_folder.FullName, name + ".runs") is var file && File.Exists(file) ? File.ReadAllLines(file).Length : 0;

    public int StartedCount => _folder.GetFiles("*.started").Length;

    public void Open(string name) => File.WriteAllText(Path.Join(_folder.FullName, name + ".open"), "");

    public void OpenAll(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            Open(name);
        }
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
