namespace FnPipeline.TestFunction;

/// <summary>What a call produced: body (bytes, then <see cref="FillCount"/> bytes of 'x'), status, headers, exit.</summary>
internal sealed class CallResult
{
    private static readonly byte[] Fill = CreateFill();

    public byte[] Body { get; init; } = [];

    public long FillCount { get; init; }

    /// <summary>The status the function reports (http-stream); 200 unless <c>!status</c> said otherwise.</summary>
    public int Status { get; init; } = 200;

    /// <summary>Extra response headers (http-stream only).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Exit the process with this code: after writing the body (default format), or instead of answering (http-stream).</summary>
    public int? ExitCode { get; init; }

    public long Length => Body.Length + FillCount;

    public static CallResult Text(string text) => new() { Body = System.Text.Encoding.UTF8.GetBytes(text) };

    public void WriteBody(Stream destination)
    {
        destination.Write(Body);
        long left = FillCount;
        while (left > 0)
        {
            int count = (int)Math.Min(left, Fill.Length);
            destination.Write(Fill, 0, count);
            left -= count;
        }
    }

    private static byte[] CreateFill()
    {
        var fill = new byte[64 * 1024];
        Array.Fill(fill, (byte)'x');
        return fill;
    }
}
