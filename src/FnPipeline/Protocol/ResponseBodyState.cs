namespace FnPipeline.Protocol;

/// <summary>How much of a response body was read, which decides whether its connection (and container) can be kept.</summary>
internal enum ResponseBodyState
{
    /// <summary>Read to its end within the cap.</summary>
    Complete,

    /// <summary>Larger than the cap; the rest was read and thrown away, so the connection is clean.</summary>
    TooLargeDrained,

    /// <summary>Larger than the cap and than the drain allowance; the connection is left mid-body.</summary>
    TooLargeNotDrained,
}
