namespace FnPipeline.Testing.Fakes;

/// <summary>What the fake function server answers.</summary>
internal sealed record FakeResponse
{
    public int Status { get; init; } = 200;

    public List<KeyValuePair<string, string>> Headers { get; init; } = [];

    public byte[] Body { get; init; } = [];

    /// <summary>Send this many extra bytes of 'x' after <see cref="Body"/> (for size tests).</summary>
    public long FillBytes { get; init; }

    /// <summary>Chunked transfer encoding instead of Content-Length.</summary>
    public bool Chunked { get; init; }

    /// <summary>Close the connection without answering.</summary>
    public bool Drop { get; init; }

    public static FakeResponse Text(string text, int status = 200) => new() { Status = status, Body = System.Text.Encoding.UTF8.GetBytes(text) };
}
