using System.Runtime.InteropServices;

namespace FnPipeline.Cli.Invoke;

/// <summary>
/// The first SIGINT or SIGTERM cancels <see cref="Token"/> (the call is cancelled and its container removed); a second
/// one ends the process at once, as usual.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _received;

    public TerminationSignals(CancellationToken outer)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _cancellation.Token;

    public bool Signalled => Volatile.Read(ref _received) > 0;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancellation.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) == 1)
        {
            context.Cancel = true;
            Console.Error.WriteLine("fnpipe: interrupted: cancelling the call and removing its container (again to quit at once)");
            _cancellation.Cancel();
        }
    }
}
