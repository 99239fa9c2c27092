using System.Threading.Channels;

namespace FnPipeline.HotPool;

/// <summary>
/// A function's idle containers: a LIFO stack (top = most recently idle, so the hottest container is reused and the
/// others age towards their idle timeout) and a bounded channel holding exactly one token per stacked container. A
/// caller reads a token first (FIFO with other callers, cancellable, allocation-free with <c>TryRead</c>), then pops
/// the top: whoever holds a token is guaranteed a container to pop. The stack itself is not thread-safe: its owner
/// (<see cref="FunctionPool"/>) pushes, pops and removes under its own lock; token reads are safe anywhere.
/// </summary>
internal sealed class IdleStack
{
    private readonly List<HotContainer> _stack;
    private readonly Channel<byte> _tokens;

    public IdleStack(int capacity)
    {
        _stack = new List<HotContainer>(capacity);

        // Never full in practice: tokens <= stacked containers <= live containers <= capacity.
        _tokens = Channel.CreateBounded<byte>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Containers on the stack (under the owner's lock).</summary>
    public int Count => _stack.Count;

    /// <summary>The least recently idle container (bottom of the stack), under the owner's lock.</summary>
    public HotContainer? Oldest => _stack.Count > 0 ? _stack[0] : null;

    /// <summary>Takes a token without waiting; the caller then owes a <see cref="Pop"/> or <see cref="WriteToken"/>.</summary>
    public bool TryReadToken() => _tokens.Reader.TryRead(out _);

    /// <summary>Waits (FIFO with other readers) for a token.</summary>
    public ValueTask<byte> ReadTokenAsync(CancellationToken cancellationToken) => _tokens.Reader.ReadAsync(cancellationToken);

    /// <summary>Pops the top (under the owner's lock, while holding a token).</summary>
    public HotContainer Pop()
    {
        var top = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return top;
    }

    /// <summary>Pushes a container and writes its token (under the owner's lock).</summary>
    public void Push(HotContainer container, FunctionKey key)
    {
        _stack.Add(container);
        WriteToken(key);
    }

    /// <summary>
    /// Takes a specific container off the stack with a token (under the owner's lock); <c>false</c> when it is not on
    /// the stack or no token is left (every stacked container is promised to a caller about to pop it).
    /// </summary>
    public bool TryRemove(HotContainer container)
    {
        var index = _stack.IndexOf(container);
        if (index < 0 || !_tokens.Reader.TryRead(out _))
        {
            return false;
        }

        _stack.RemoveAt(index);
        return true;
    }

    /// <summary>Writes one token (under the owner's lock): for a push, or to give back one read but not used.</summary>
    public void WriteToken(FunctionKey key)
    {
        if (!_tokens.Writer.TryWrite(0))
        {
            throw new InvalidOperationException($"Function pool {key}: more idle tokens than containers.");
        }
    }
}
