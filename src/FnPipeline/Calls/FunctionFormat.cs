namespace FnPipeline;

/// <summary>How a function container exchanges a call with the executor.</summary>
public enum FunctionFormat
{
    /// <summary>One container per call: input on stdin, output on stdout.</summary>
    Default = 0,

    /// <summary>A hot container serves calls one at a time as HTTP/1.1 over a unix socket.</summary>
    HttpStream = 1,
}
