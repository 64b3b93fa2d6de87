namespace PatientVoice.Application.Export;

/// <summary>
/// Configuration section <c>Export</c>: Bulk Data <c>$export</c> (docs/adr/0022-bulk-export.md). Files go under
/// <see cref="Folder"/>, one folder per job; with several instances the folder must be one they share (a network
/// volume) until the files move to blob storage, whose layout the folder already has.
/// </summary>
public sealed class ExportOptions
{
    public const string Section = "Export";

    /// <summary>Where export files are written (relative to the working directory unless rooted).</summary>
    public string Folder { get; set; } = "data/export";

    /// <summary>How long a completed export's files are kept; after that they are deleted and their URLs answer 410.</summary>
    public TimeSpan FileRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Resources per ndjson file before the next file of the same type is started.</summary>
    public int MaxResourcesPerFile { get; set; } = 100_000;

    /// <summary>Resources read from the store per page (never more than the store's page limit).</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>How long a claimed job is this instance's without a renewal; renewed while it runs.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle worker looks for queued jobs (a kick-off in this process wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often expired and cancelled files are looked for and deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs of a job (the first included) before a job that keeps being interrupted is failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The <c>Retry-After</c> a status request gets while the job runs.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Patients per query when an export is limited to a list of patients (a Group, the <c>patient</c> parameter).</summary>
    public int PatientsPerQuery { get; set; } = 100;
}
