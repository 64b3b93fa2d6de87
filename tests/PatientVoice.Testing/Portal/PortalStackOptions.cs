namespace PatientVoice.Testing.Portal;

/// <summary>How a <see cref="PortalStack"/> runs PatientVoice beside the sandbox EHR.</summary>
public sealed record PortalStackOptions
{
    /// <summary>How many PatientVoice instances (each its own process and port). More than one needs <see cref="PostgresConnectionString"/>.</summary>
    public int Instances { get; init; } = 1;

    /// <summary>Null: the embedded SQLite store (the one command). Else every instance uses this PostgreSQL database.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>More command-line configuration for every instance, e.g. <c>--EhrSync:Lease=00:00:05</c>.</summary>
    public IReadOnlyList<string> AppArguments { get; init; } = [];

    /// <summary>More environment for every PatientVoice instance (not the sandbox), e.g. a library preloaded to shift its clock.</summary>
    public IReadOnlyDictionary<string, string> AppEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>A folder where each process's whole output is kept (sandbox.log, patientvoice-1.log, …); null to keep only the last lines.</summary>
    public string? LogDirectory { get; init; }
}
