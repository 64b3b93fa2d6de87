using System.Diagnostics;

namespace PatientVoice.Benchmarks;

/// <summary>How the benchmarked server is started.</summary>
/// <param name="DatabasePath">The SQLite file (Storage:Sqlite:Path).</param>
/// <param name="RequestLogging">
/// False (the default here): everything below Warning is off. True: the server's appsettings.json as shipped.
/// </param>
/// <param name="Synchronous">Storage:Sqlite:Synchronous, or null for the server's default.</param>
internal sealed record ServerSettings(string DatabasePath, bool RequestLogging, string? Synchronous);

/// <summary>
/// The server as its own process (<c>dotnet PatientVoice.Web.dll</c> from beside this benchmark, same
/// configuration), on a loopback port the kernel picks. Disposing stops it.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Now listening on: ";
    private readonly Process _process;
    private readonly Queue<string> _recentOutput = new();

    private ServerProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>CPU time the server has used so far (all its threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<ServerProcess> StartAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "PatientVoice.Web.dll");
        if (!File.Exists(serverDll))
        {
            throw new InvalidOperationException($"No server build at {serverDll}.");
        }

        var arguments = new List<string> { serverDll, "--urls", "http://127.0.0.1:0" };
        if (!settings.RequestLogging)
        {
            arguments.AddRange(["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"]);
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet", arguments)
        {
            // The server build's folder is its content root: appsettings.json is read from there.
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Storage__Sqlite__Path"] = Path.GetFullPath(settings.DatabasePath);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
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
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

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

    private void OnOutput(string? line, TaskCompletionSource<Uri>? listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_recentOutput)
        {
            _recentOutput.Enqueue(line);
            if (_recentOutput.Count > 50)
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

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                using var response = await client.GetAsync("/fhir/metadata", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Bound but not serving yet.
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"The server did not answer /fhir/metadata within 30 s:\n{RecentOutput}");
    }
}
