namespace FnPipeline.TestFunction;

/// <summary>
/// --chatty: a line to stdout and to stderr every 200 ms while no call is running, to prove that
/// output between calls never blocks the container.
/// </summary>
internal sealed class Chatter
{
    private int _callsRunning;

    private Chatter()
    {
    }

    public static Chatter Start()
    {
        var chatter = new Chatter();
        var thread = new Thread(chatter.Loop) { IsBackground = true, Name = "chatter" };
        thread.Start();
        return chatter;
    }

    public void BeginCall() => Interlocked.Increment(ref _callsRunning);

    public void EndCall() => Interlocked.Decrement(ref _callsRunning);

    private void Loop()
    {
        for (long tick = 1; ; tick++)
        {
            Thread.Sleep(200);
            if (Volatile.Read(ref _callsRunning) == 0)
            {
                Console.Out.WriteLine($"chatty stdout {tick}");
                Console.Error.WriteLine($"chatty stderr {tick}");
            }
        }
    }
}
