namespace PatientVoice.Testing;

/// <summary>How a <see cref="HostProcess"/> is started: which build, where it listens, what it is told, when it is ready.</summary>
/// <param name="Dll">The app's build output (<c>dotnet Dll</c>); its <c>.runtimeconfig.json</c> must be beside it.</param>
public sealed record HostProcessOptions(string Dll)
{
    /// <summary>
    /// Where it listens, given as <c>--urls http://127.0.0.1:{Port}</c>: a port chosen beforehand
    /// (<see cref="FreePort.Next"/>) when another process must know the URL before this one starts; 0 for the kernel's
    /// pick, read back from the host's "Now listening on:" line; null to pass no <c>--urls</c>, so the app binds as
    /// its own configuration says (the sandbox as a user runs it) and <see cref="HostProcess.BaseAddress"/> is unknown.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>Command-line arguments after <c>--urls</c>, e.g. <c>--Fhir:ValidateAgainstDefaultProfiles=false</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Environment variables (configuration keys with <c>__</c> for <c>:</c>), e.g. ASPNETCORE_ENVIRONMENT.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The working folder, where an app that does not set its content root reads appsettings.json; the DLL's folder if null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// A path on <see cref="HostProcess.BaseAddress"/> that answers 200 once the app can serve (e.g. <c>/health/ready</c>,
    /// after the validator has warmed); null to return as soon as the process is launched, for a test that watches the
    /// start-up itself.
    /// </summary>
    public string? ReadyPath { get; init; }

    /// <summary>From launch to <see cref="ReadyPath"/> answering 200. Generous: a loaded CI machine is slow to seed and warm.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>How many of its last output lines (stdout and stderr together) are kept, for assertions and failure messages.</summary>
    public int OutputLines { get; init; } = 60;

    /// <summary>A file every output line is also appended to, for a long run whose failures must be read afterwards; null for none.</summary>
    public string? LogFile { get; init; }
}
