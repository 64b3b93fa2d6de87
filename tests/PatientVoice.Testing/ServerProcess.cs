using System.Diagnostics;
using System.Net;

namespace PatientVoice.Testing;

/// <summary>How a <see cref="ServerProcess"/> is started.</summary>
/// <param name="DatabasePath">The SQLite file (Storage:Sqlite:Path).</param>
public sealed record ServerSettings(string DatabasePath)
{
    /// <summary>False (the default): everything below Warning is off. True: the server's appsettings.json as shipped.</summary>
    public bool RequestLogging { get; init; }

    /// <summary>Storage:Sqlite:Synchronous, or null for the server's default.</summary>
    public string? Synchronous { get; init; }

    /// <summary>More command-line configuration for the server, e.g. <c>--Fhir:ValidateAgainstDefaultProfiles=false</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>How long the server may take from launch to <c>/health/ready</c> answering 200.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The real server as its own operating-system process (<c>dotnet PatientVoice.Web.dll</c>, the build copied
/// beside the test or benchmark assembly by its project reference, same configuration), on a loopback port the
/// kernel picks. <see cref="StartAsync"/> returns once <c>/health/ready</c> answers 200, i.e. the validator is
/// warm and a write would not wait for it. Disposing kills the process if it still runs, so a failing test
/// never leaves a server behind.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Now listening on: ";
    private const int RecentLines = 50;
    private readonly Process _process;
    private readonly Queue<string> _recentOutput = new();

    private ServerProcess(Process process) => _process = process;

    /// <summary>The <c>aud</c> the server's test issuer accepts.</summary>
    public const string Audience = "urn:patientvoice:tests";

    /// <summary>The Authorization header value of a valid test token (every type, every patient, unless <paramref name="scope"/> says less).</summary>
    public static string Authorization(string scope = TestTokens.AllAccess) => "Bearer " + TestTokens.Create(Audience, scope);

    public Uri BaseAddress { get; private set; } = null!;

    public int ProcessId => _process.Id;

    /// <summary>From launch to the first 200 from <c>/health/ready</c>.</summary>
    public TimeSpan TimeToReady { get; private set; }

    /// <summary>CPU time the server has used so far (all its threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The last lines the server wrote (stdout and stderr), for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_recentOutput)
            {
                return string.Join('\n', _recentOutput);
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "PatientVoice.Web.dll");
        if (!File.Exists(serverDll) || !File.Exists(Path.ChangeExtension(serverDll, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"The server build is not beside this assembly ({serverDll}); the project must reference PatientVoice.Web.");
        }

        var arguments = new List<string> { serverDll, "--urls", "http://127.0.0.1:0" };
        if (!settings.RequestLogging)
        {
            // Quiet per-request logs, keep the line that says which port was bound.
            arguments.AddRange(["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"]);
        }

        arguments.AddRange(settings.ExtraArguments);
        var start = new ProcessStartInfo(DotnetHost(), arguments)
        {
            // The server build's folder is its content root: appsettings.json is read from there.
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Storage__Sqlite__Path"] = Path.GetFullPath(settings.DatabasePath);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // The FHIR API needs a bearer token: trust the test issuer (TestTokens) for tokens meant for this server.
        foreach (var (key, value) in TestTokens.ServerSettings(Audience))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        if (settings.Synchronous is not null)
        {
            start.Environment["Storage__Sqlite__Synchronous"] = settings.Synchronous;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => server.OnOutput(e.Data, listening);
        process.ErrorDataReceived += (_, e) => server.OnOutput(e.Data, null);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The server exited during start-up:\n{server.RecentOutput}"));
        var launched = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.ReadyTimeout);
        try
        {
            server.BaseAddress = await listening.Task.WaitAsync(deadline.Token);
            await server.WaitUntilReadyAsync(deadline.Token);
            server.TimeToReady = Stopwatch.GetElapsedTime(launched);
            return server;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"The server was not ready (/health/ready 200) within {settings.ReadyTimeout.TotalSeconds:F0} s; its last output:\n{server.RecentOutput}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Kills the process at once (on Linux <see cref="Process.Kill()"/> is <c>kill(pid, SIGKILL)</c>: no
    /// shutdown hooks, no flushing) and returns its exit code once it is gone.
    /// </summary>
    public async Task<int> KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }

    // The muxer that runs these tests (set by the dotnet CLI), else the one on PATH.
    private static string DotnetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void OnOutput(string? line, TaskCompletionSource<Uri>? listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_recentOutput)
        {
            _recentOutput.Enqueue(line);
            if (_recentOutput.Count > RecentLines)
            {
                _recentOutput.Dequeue();
            }
        }

        var at = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
        if (listening is not null && at >= 0)
        {
            listening.TrySetResult(new Uri(line[(at + ListeningPrefix.Length)..].Trim()));
        }
    }

    // Bound is not ready: the validator warms for ~20 s after the port opens, and /health/ready says 503 until then.
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited (code {_process.ExitCode}) before it was ready:\n{RecentOutput}");
            }

            try
            {
                using var response = await client.GetAsync("/health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Bound but not serving yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One probe timed out (a busy start-up); try again.
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
