using PatientVoice.Benchmarks;

// Load generators for the real server, run over loopback. See docs/benchmarks.md.
//   dotnet run -c Release --project tests/PatientVoice.Benchmarks -- create --clients 16 --seconds 20
//   dotnet run -c Release --project tests/PatientVoice.Benchmarks -- search --resources 100000
const string Usage = """
    create [--clients 16] [--seconds 20] [--warmup 5] [--settle-max 180] [--synchronous NORMAL|FULL|OFF] [--request-logging] [--dir PATH] [--server-dll PATH] [--Section:Key=value ...]
        POST Goals with N concurrent clients against a fresh SQLite file; creates/s and latency percentiles.
        The warm-up lasts --warmup seconds and then until the server's JIT has settled (at most 50 methods compiled in
        5 s, read over its diagnostics port), at most --settle-max seconds; --settle-max 0: the fixed warm-up alone.
        --server-dll: another build of PatientVoice.Web.dll (before/after in one session).
    search [--resources 100000] [--patients 10000] [--requests 5000] [--warmup-requests 5000] [--clients 1] [--batch 5000] [--db FILE] [--request-logging] [--server-dll PATH] [--Section:Key=value ...]
        Load the data set through the store (or reuse --db FILE if it exists), then time GET /fhir/Goal?patient=.
    An option with a colon in its name is server configuration, passed to the server's command line as it is
    (e.g. --Fhir:ValidateAgainstDefaultProfiles=false). Both wait for /health/ready before the load starts.
    --Storage:Provider=Postgres runs create and search on a throwaway PostgreSQL cluster started for the run
    (or on --Storage:Postgres:ConnectionString "...", loaded only if it holds no resources yet).
    submit [--clients 16] [--seconds 20] [--warmup 5] [--settle-max 180] [--server-dll PATH]
        POST completed "My goals" responses (3 goals each): validate + extract + store in one transaction.
    memory [--clients 16] [--creates 1000000] [--minutes 60] [--sample-seconds 10] [--dir PATH] [--server-dll PATH] [--Section:Key=value ...]
        POST Goals (as create) against a fresh SQLite file until that many are accepted or the minutes have passed, sampling
        the server's resident memory: RSS when ready, after the creates, peak, and its slope over the second half of the run.
    clinician-summary [--months 60] [--other-patients 200] [--iterations 500] [--warmup 50] [--db FILE]
        Submit five years of monthly responses (all four forms) for one patient through the server, then time
        building that patient's clinician summary from the store (searches, parsing, model, copy-to-note text).
    patient-form [--runs 20] [--warmup 3] [--questionnaire before-your-visit] [--width 390] [--network none|fast3g] [--cpu-slowdown 1] [--Section:Key=value ...]
        The sandbox EHR, PatientVoice and Debian's chromium: per run a fresh browser (empty cache) launched from the
        portal opens the questionnaire; time until it is ready and interactive, bytes transferred; then again cached.
        --network fast3g --cpu-slowdown 4: a slow phone (DevTools' Fast 3G preset and CPU throttling, over CDP).
    export [--resources 100000] [--patients 10000] [--batch 5000] [--db FILE] [--Section:Key=value ...]
        Load the data set through the store (or reuse --db FILE), start the server on it, run one system-level Bulk Data
        $export of everything: wall time to the manifest, resources/s written to ndjson, server RSS before and at peak.
    screenshots [--out docs/screenshots]
        The README's pictures: a patient's journey at 320 px (home, form, review, sent) and the clinician's page
        opened from the clinic list, taken in Debian's chromium against the sandbox EHR and PatientVoice.
    load [--users 16] [--seconds 60] [--instances 1] [--store sqlite|postgres] [--patients N --clinicians N --integrators N] [--draft-every-ms 3000] [--drafts 3] [--think-ms 2000] [--verify-seconds 180] [--logs DIR] [--Section:Key=value ...]
        The mixed load of issue 17 over HTTP against the sandbox EHR and PatientVoice (the one command's set-up; --instances 2
        --store postgres: two instances on one throwaway PostgreSQL, users spread across both): patients launch from the portal,
        save drafts and submit; clinicians launch, read the summary, acknowledge, record agenda outcomes; integrators search
        the FHIR API with a system token. Per-step latency percentiles and errors, then every acknowledged submission checked:
        stored once, extracted once, written back to the EHR once. Exit code 1 on any error, lost or duplicated submission.
        --logs DIR: every process's whole output kept there (sandbox.log, patientvoice-N.log) to read failures afterwards.
    startup [--runs 5] [--server-dll PATH] [--Section:Key=value ...]
        Launch the server (a fresh SQLite file) and POST a Goal every 20 ms from the moment the port is bound until one
        is accepted: launch to first 201, per run and median. --server-dll: another build of PatientVoice.Web.dll.
    validation [iterations]
        Cold and warm profile validation time and memory allocated per resource, in this process.
    validation-parallel [--threads 16] [--seconds 10] [--rounds 3]
        Validations per second from many threads in one process, the validator's code-check memory on and off, alternating.
    bearer [--threads 2] [--seconds 5] [--rounds 3] [--tokens 16]
        The bearer check alone, in this process: the same clients' ES256 tokens validated in full and by the handler that
        remembers valid tokens (ADR 0032), alternating rounds; validations per second and CPU per validation.
    indexing [--seconds 3] [--rounds 3]
        Search-index extraction alone, in this process: our examples and the audit trail's AuditEvents indexed with FHIRPath
        only and with member paths walked (issue 19), alternating rounds on one thread; time and memory per extraction.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

#if DEBUG
Console.WriteLine("WARNING: this is a Debug build (so is the server beside it); use -c Release for numbers.");
#endif

if (args[0] == "validation-parallel")
{
    return await ParallelValidationTiming.RunAsync(args[1..]);
}

if (args[0] == "validation")
{
    return await ValidationTiming.RunAsync(args[1..]);
}

var options = new BenchmarkArguments(args[1..]);
return args[0] switch
{
    "create" => await CreateBenchmark.RunAsync(options),
    "submit" => await CreateBenchmark.RunAsync(options, submissions: true),
    "search" => await SearchBenchmark.RunAsync(options),
    "memory" => await MemoryBenchmark.RunAsync(options),
    "startup" => await StartupBenchmark.RunAsync(options),
    "export" => await ExportBenchmark.RunAsync(options),
    "clinician-summary" => await ClinicianSummaryBenchmark.RunAsync(options),
    "patient-form" => await PatientFormBenchmark.RunAsync(options),
    "screenshots" => await ReadmeScreenshots.RunAsync(options),
    "load" => await MixedLoadBenchmark.RunAsync(options),
    "bearer" => await BearerTiming.RunAsync(options),
    "indexing" => IndexingTiming.Run(options),
    _ => throw new ArgumentException($"Unknown benchmark '{args[0]}'.\n{Usage}"),
};
