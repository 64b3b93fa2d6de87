namespace PatientVoice.Testing;

/// <summary>How <see cref="ServerProcess.StartAsync"/> starts PatientVoice.</summary>
/// <param name="DatabasePath">The SQLite file (Storage:Sqlite:Path).</param>
public sealed record ServerSettings(string DatabasePath)
{
    /// <summary>False (the default): everything below Warning is off. True: the server's appsettings.json as shipped.</summary>
    public bool RequestLogging { get; init; }

    /// <summary>Storage:Sqlite:Synchronous, or null for the server's default.</summary>
    public string? Synchronous { get; init; }

    /// <summary>More command-line configuration for the server, e.g. <c>--Fhir:ValidateAgainstDefaultProfiles=false</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>
    /// True (the default): started once <c>/health/ready</c> says the validator is warm. False: once <c>/health/live</c>
    /// answers (the store is open; reads are served at once, a write would wait for the validator).
    /// </summary>
    public bool WaitForWarmValidator { get; init; } = true;

    /// <summary>How long the server may take from launch to its ready path answering 200.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The real server as its own <see cref="HostProcess"/> (<c>dotnet PatientVoice.Web.dll</c>, the build copied beside
/// the test or benchmark assembly by its project reference, same configuration), on a loopback port the kernel picks,
/// trusting the test issuer (<see cref="TestTokens"/>). Started once <c>/health/ready</c> answers 200, i.e. the
/// validator is warm and a write would not wait for it.
/// </summary>
public static class ServerProcess
{
    /// <summary>The <c>aud</c> the server's test issuer accepts.</summary>
    public const string Audience = "urn:patientvoice:tests";

    /// <summary>The Authorization header value of a valid test token (every type, every patient, unless <paramref name="scope"/> says less).</summary>
    public static string Authorization(string scope = TestTokens.AllAccess) => "Bearer " + TestTokens.Create(Audience, scope);

    public static Task<HostProcess> StartAsync(ServerSettings settings, CancellationToken cancellationToken)
        => HostProcess.StartAsync(Options(settings), cancellationToken);

    /// <summary>How <see cref="StartAsync"/> starts the server, for a test that starts it otherwise (e.g. without waiting, to watch it refuse).</summary>
    public static HostProcessOptions Options(ServerSettings settings)
    {
        var arguments = new List<string>();
        if (!settings.RequestLogging)
        {
            // Quiet per-request logs, keep the line that says which port was bound.
            arguments.AddRange(["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"]);
        }

        arguments.AddRange(settings.ExtraArguments);
        var environment = new Dictionary<string, string>
        {
            ["Storage__Sqlite__Path"] = Path.GetFullPath(settings.DatabasePath),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // The default appsettings point at the sandbox (the one command's EHR); these runs are not deployments.
            ["Deployment__AllowSandboxSettings"] = "true",
        };
        // The FHIR API needs a bearer token: trust the test issuer (TestTokens) for tokens meant for this server.
        foreach (var (key, value) in TestTokens.ServerSettings(Audience))
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        if (settings.Synchronous is not null)
        {
            environment["Storage__Sqlite__Synchronous"] = settings.Synchronous;
        }

        // The server build's folder (the DLL's, HostProcess's default working folder) is its content root: appsettings.json is read from there.
        return new HostProcessOptions(Path.Combine(AppContext.BaseDirectory, "PatientVoice.Web.dll"))
        {
            Port = 0,
            Arguments = arguments,
            Environment = environment,
            ReadyPath = settings.WaitForWarmValidator ? "/health/ready" : "/health/live",
            ReadyTimeout = settings.ReadyTimeout,
        };
    }
}
