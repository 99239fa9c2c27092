namespace FnPipeline.Cli.Progress;

/// <summary>
/// Shows image pulls while a call waits for them (<see cref="FnPipelineOptions.ImagePullProgress"/>): a progress bar per
/// layer on a terminal, plain lines otherwise. Shows nothing when no pull happens.
/// </summary>
internal abstract class PullProgressDisplay : IProgress<ImagePullProgress>, IAsyncDisposable
{
    public static PullProgressDisplay Create(TextWriter stderr, bool terminal) =>
        terminal ? new SpectrePullProgress(stderr) : new PlainPullProgress(stderr);

    public abstract void Report(ImagePullProgress value);

    /// <summary>Ends the display (the call has its image, or failed); idempotent.</summary>
    public abstract Task CompleteAsync();

    public async ValueTask DisposeAsync()
    {
        await CompleteAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
