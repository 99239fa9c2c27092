namespace FnPipeline;

/// <summary>A call was rejected before any engine work; <see cref="Problems"/> lists every reason.</summary>
public sealed class InvalidFunctionCallException : ArgumentException
{
    /// <summary>Creates the exception for a call's problems.</summary>
    public InvalidFunctionCallException(string image, IReadOnlyList<string> problems)
        : base(Format(image, problems))
    {
        Image = image;
        Problems = problems;
    }

    /// <summary>The image of the rejected call.</summary>
    public string Image { get; }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string image, IReadOnlyList<string> problems) =>
        $"Invalid function call for image '{image}': {string.Join("; ", problems)}";
}
