namespace FnPipeline.Cli.Doctor;

/// <summary>How a doctor check went.</summary>
internal enum CheckOutcome
{
    Ok,
    Warn,
    Fail,
    Skipped,
}

/// <summary>One line of <c>fnpipe doctor</c>: what was checked, what was found, and what to do about a failure.</summary>
internal sealed record DoctorCheck(string Name, CheckOutcome Outcome, string Detail, string? Fix = null)
{
    public static DoctorCheck Ok(string name, string detail) => new(name, CheckOutcome.Ok, detail);

    public static DoctorCheck Fail(string name, string detail, string fix) => new(name, CheckOutcome.Fail, detail, fix);

    public static DoctorCheck Warn(string name, string detail, string? fix = null) => new(name, CheckOutcome.Warn, detail, fix);

    public static DoctorCheck Skipped(string name, string detail) => new(name, CheckOutcome.Skipped, detail);
}
