namespace PatientVoice.Testing;

/// <summary>Folders the tests read, found from the test binaries: the repository root holds PatientVoice.sln.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Our examples as copied beside the binaries (the same files as profiles/examples).</summary>
    public static string Examples { get; } = Path.Combine(AppContext.BaseDirectory, "profiles", "examples");

    /// <summary>Hand-made completed responses to our questionnaires (tests/PatientVoice.Fhir.Tests/CompletedResponses).</summary>
    public static string CompletedResponses { get; } = Path.Combine(Root, "tests", "PatientVoice.Fhir.Tests", "CompletedResponses");

    /// <summary>
    /// Conformance material written by others, beside the repository (never edited by us): the nearest shared/conformance
    /// above the root, so that a git worktree a level deeper (e.g. /work/wt/name beside /work/main) finds the same folder.
    /// </summary>
    public static string SharedConformance { get; } = FindShared();

    /// <summary>The sandbox EHR's project folder (its content root when run as a user runs it).</summary>
    public static string SandboxProject { get; } = Path.Combine(Root, "sandbox", "PatientVoice.Sandbox");

    /// <summary>
    /// The sandbox's build output for the configuration these binaries were built with (they run from
    /// bin/{Configuration}/net10.0); a test project that runs it references it so that it is built first.
    /// </summary>
    public static string SandboxAssembly { get; } = Path.Combine(SandboxProject, "bin", BuildConfiguration(), "net10.0", "PatientVoice.Sandbox.dll");

    /// <summary>
    /// The load generators' build output (tests/PatientVoice.Benchmarks) for the configuration these binaries were built
    /// with; a test project that runs it references it (ReferenceOutputAssembly="false") so that it is built first.
    /// </summary>
    public static string BenchmarksAssembly { get; } = Path.Combine(Root, "tests", "PatientVoice.Benchmarks", "bin", BuildConfiguration(), "net10.0", "PatientVoice.Benchmarks.dll");

    private static string BuildConfiguration()
        => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";

    private static string FindShared()
    {
        for (var dir = new DirectoryInfo(Root).Parent; dir is not null; dir = dir.Parent)
        {
            var shared = Path.Combine(dir.FullName, "shared", "conformance");
            if (Directory.Exists(shared))
            {
                return shared;
            }
        }

        return Path.GetFullPath(Path.Combine(Root, "..", "shared", "conformance"));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PatientVoice.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No PatientVoice.sln above {AppContext.BaseDirectory}.");
    }
}
