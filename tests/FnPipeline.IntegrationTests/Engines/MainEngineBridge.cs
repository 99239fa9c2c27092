using CliWrap;
using CliWrap.Buffered;

namespace FnPipeline.IntegrationTests.Engines;

/// <summary>
/// The main engine's default bridge, <c>docker0</c>. A dockerd started with <c>--bridge=none</c> deletes the link of that
/// name as it starts (it takes it for a default bridge of its own left from an earlier run), and the main engine's
/// containers on the default bridge then fail to start ("could not find bridge docker0"). A test that starts such a
/// dockerd notes the bridge's address before and puts it back once the new engine answers, as scripts/fleet-up.sh does
/// for the node engines: the main engine finds the link by name.
/// </summary>
internal sealed class MainEngineBridge
{
    private const string Name = "docker0";
    private readonly string? _address;

    private MainEngineBridge(string? address) => _address = address;

    /// <summary>The bridge's IPv4 address as it is now (none when there is no such bridge: nothing to restore).</summary>
    public static async Task<MainEngineBridge> NoteAsync()
    {
        var shown = await IpAsync("-4", "-o", "addr", "show", "dev", Name);
        var fields = shown.ExitCode == 0 ? shown.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        var inet = Array.IndexOf(fields, "inet");
        return new MainEngineBridge(inet >= 0 && inet + 1 < fields.Length ? fields[inet + 1] : null);
    }

    /// <summary>Creates the bridge again with its address when it is gone; fails the test when that is not possible.</summary>
    public async Task RestoreIfGoneAsync()
    {
        if (_address is null || (await IpAsync("link", "show", "dev", Name)).ExitCode == 0)
        {
            return;
        }

        string[][] steps = [["link", "add", Name, "type", "bridge"], ["addr", "add", _address, "dev", Name], ["link", "set", Name, "up"]];
        foreach (var step in steps)
        {
            var result = await IpAsync(step);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"a test engine removed the main engine's bridge {Name} and 'ip {string.Join(' ', step)}' could not put it back: {result.StandardError}");
            }
        }
    }

    private static async Task<BufferedCommandResult> IpAsync(params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Cli.Wrap("ip").WithArguments(arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
    }
}
