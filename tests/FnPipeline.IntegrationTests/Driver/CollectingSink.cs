using System.Text;
using FnPipeline.Driver;

namespace FnPipeline.IntegrationTests.Driver;

/// <summary>An output sink for tests: keeps bytes up to a cap and refuses (returns false) past it, like the executor's.</summary>
internal sealed class CollectingSink(long cap = 64L * 1024 * 1024) : IOutputSink
{
    private readonly List<byte> _bytes = [];
    private readonly Lock _gate = new();

    public long Received { get; private set; }

    public bool Write(ReadOnlySpan<byte> chunk)
    {
        lock (_gate)
        {
            Received += chunk.Length;
            var room = (int)Math.Max(0, cap - _bytes.Count);
            _bytes.AddRange(chunk[..Math.Min(room, chunk.Length)]);
            return Received <= cap;
        }
    }

    public byte[] ToArray()
    {
        lock (_gate)
        {
            return _bytes.ToArray();
        }
    }

    public string Text => Encoding.UTF8.GetString(ToArray());
}
