namespace FnPipeline.Docker;

/// <summary>A container or image id as logs print it: the first 12 characters, like the docker CLI.</summary>
internal readonly struct TruncatedId(string? value)
{
    private const int Length = 12;

    public override string ToString() =>
        value is null ? "" : value.Length <= Length ? value : value[..Length];
}
