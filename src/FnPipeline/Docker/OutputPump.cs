using System.Buffers;
using System.Runtime.InteropServices;
using Docker.DotNet;
using FnPipeline.Driver;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Docker;

/// <summary>
/// Moves a call's bytes through an attach stream: writes the input to stdin then half-closes it (so <c>cat</c> sees end
/// of input), and demultiplexes stdout/stderr into the sinks. Buffers come from <see cref="ArrayPool{T}.Shared"/>.
/// When a sink refuses bytes past its cap the pump asks for the container to be killed and keeps draining (discarding
/// that stream) so the engine never blocks on a full pipe. Neither loop throws: outcomes are read from the properties.
/// </summary>
internal sealed class OutputPump
{
    public const int BufferSize = 81920;

    private readonly MultiplexedStream _stream;
    private readonly ContainerIo _io;
    private readonly string _containerId;
    private readonly Action _onLimitExceeded;
    private readonly ILogger _logger;
    private int _limitExceeded;

    public OutputPump(MultiplexedStream stream, ContainerIo io, string containerId, Action onLimitExceeded, ILogger logger)
    {
        _stream = stream;
        _io = io;
        _containerId = containerId;
        _onLimitExceeded = onLimitExceeded;
        _logger = logger;
    }

    /// <summary>Completes when the output reached its end (the container exited) or reading failed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Completes when the input was written and stdin closed (or writing gave up).</summary>
    public Task InputCompletion { get; private set; } = Task.CompletedTask;

    public bool OutputLimitExceeded => Volatile.Read(ref _limitExceeded) != 0;

    /// <summary>Why reading the output stopped before its end, if it did.</summary>
    public Exception? ReadError { get; private set; }

    public void Start(CancellationToken cancellationToken)
    {
        Completion = Task.Run(() => ReadOutputAsync(cancellationToken), CancellationToken.None);
        if (_io.Input is { } input)
        {
            InputCompletion = Task.Run(() => WriteInputAsync(input, cancellationToken), CancellationToken.None);
        }
    }

    private async Task WriteInputAsync(CallInput input, CancellationToken cancellationToken)
    {
        try
        {
            if (input.Stream is { } source)
            {
                await CopyStreamAsync(source, cancellationToken).ConfigureAwait(false);
            }
            else if (!input.Bytes.IsEmpty)
            {
                await WriteBytesAsync(input.Bytes, cancellationToken).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A container may exit without reading its input (broken pipe): the call's outcome is its exit, not this.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DockerLog.InputWriteStopped(_logger, new TruncatedId(_containerId), e);
        }
        finally
        {
            CloseStdin();
        }
    }

    private async Task CopyStreamAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await _stream.WriteAsync(buffer, 0, read, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        // The stream API takes arrays: array-backed input (the usual case) goes out without a copy.
        if (MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is not null)
        {
            await _stream.WriteAsync(segment.Array, segment.Offset, segment.Count, cancellationToken).ConfigureAwait(false);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            for (var offset = 0; offset < bytes.Length; offset += BufferSize)
            {
                var chunk = bytes.Slice(offset, Math.Min(BufferSize, bytes.Length - offset));
                chunk.CopyTo(buffer);
                await _stream.WriteAsync(buffer, 0, chunk.Length, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void CloseStdin()
    {
        try
        {
            _stream.CloseWrite();
        }
#pragma warning disable CA1031 // Closing a stream whose container is already gone is not an error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DockerLog.InputWriteStopped(_logger, new TruncatedId(_containerId), e);
        }
    }

    private async Task ReadOutputAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var stdoutOpen = true;
        var stderrOpen = true;
        try
        {
            while (true)
            {
                var result = await _stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (result.EOF)
                {
                    return;
                }

                if (result.Target == MultiplexedStream.TargetStream.StandardError)
                {
                    stderrOpen = Deliver(_io.Stderr, buffer.AsSpan(0, result.Count), stderrOpen, "stderr");
                }
                else if (_io.Stdout is IAsyncOutputSink streaming)
                {
                    // A streaming call: waiting here leaves the container's stdout pipe full, so the function waits too.
                    stdoutOpen = Accepted(stdoutOpen && await streaming.WriteAsync(buffer.AsMemory(0, result.Count), cancellationToken).ConfigureAwait(false), stdoutOpen, "stdout");
                }
                else
                {
                    stdoutOpen = Deliver(_io.Stdout, buffer.AsSpan(0, result.Count), stdoutOpen, "stdout");
                }
            }
        }
#pragma warning disable CA1031 // Recorded for WaitAsync, which decides whether it matters (it does not once the container is being removed).
        catch (Exception e)
#pragma warning restore CA1031
        {
            ReadError = e;
            DockerLog.OutputReadFailed(_logger, new TruncatedId(_containerId), e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hands a chunk to a sink still accepting; returns whether it still accepts.</summary>
    private bool Deliver(IOutputSink sink, ReadOnlySpan<byte> chunk, bool open, string name)
    {
        if (!open)
        {
            return false;
        }

        return Accepted(sink.Write(chunk), open, name);
    }

    /// <summary>Whether a sink still accepts after a chunk; the first refusal asks for the kill.</summary>
    private bool Accepted(bool accepted, bool open, string name)
    {
        if (!open)
        {
            return false;
        }

        if (accepted)
        {
            return true;
        }

        if (Interlocked.Exchange(ref _limitExceeded, 1) == 0)
        {
            DockerLog.OutputLimitExceeded(_logger, new TruncatedId(_containerId), name);
            _onLimitExceeded();
        }

        return false;
    }
}
