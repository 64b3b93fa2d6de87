using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace PatientVoice.Testing;

/// <summary>
/// A .NET web app (<c>dotnet X.dll</c>) as its own operating-system process: the one way the tests start a server
/// (PatientVoice through <see cref="ServerProcess"/>, the sandbox EHR through <see cref="SandboxProcess"/>, both for the
/// portal stack, and the sandbox as a user runs it). <see cref="StartAsync"/> returns once
/// <see cref="HostProcessOptions.ReadyPath"/> answers 200; its output is kept for failure messages; disposing kills
/// the process and its children, so a failed run leaves nothing behind.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Now listening on: ";
    private const int RecentLines = 60;
    private readonly Process _process;
    private readonly string _name;
    private readonly int _outputLines;
    private readonly Queue<string> _output = new();
    // Set only when the kernel picks the port: the host's "Now listening on:" line names it.
    private TaskCompletionSource<Uri>? _listening;
    private Uri? _baseAddress;
    private bool _disposed;

    private readonly StreamWriter? _log;

    private HostProcess(Process process, Uri? baseAddress, int outputLines, string? logFile)
    {
        _log = logFile is null ? null : new StreamWriter(logFile, append: true) { AutoFlush = true };
        _process = process;
        _name = Path.GetFileNameWithoutExtension(process.StartInfo.ArgumentList[0]);
        _baseAddress = baseAddress;
        _outputLines = outputLines;
    }

    /// <summary>Where it listens, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseAddress => _baseAddress
        ?? throw new InvalidOperationException("Started without --urls (HostProcessOptions.Port is null): the app's own configuration chose its address.");

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>From launch to the first 200 from the ready path (to the launch itself when there is none).</summary>
    public TimeSpan TimeToReady { get; private set; }

    /// <summary>CPU time the process has used so far (all its threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The output lines kept so far (<see cref="HostProcessOptions.OutputLines"/> at most), oldest first.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>The last lines it wrote (stdout and stderr), for failure messages.</summary>
    public string RecentOutput => string.Join('\n', Output.TakeLast(RecentLines));

    public static async Task<HostProcess> StartAsync(HostProcessOptions options, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(options.Dll) || !File.Exists(Path.ChangeExtension(options.Dll, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException(
                $"{options.Dll} is not built: the test project must reference its project (ReferenceOutputAssembly=\"false\" to run it from its own output folder) so that building the tests builds it.");
        }

        if (options.ReadyPath is not null && options.Port is null)
        {
            throw new ArgumentException("A ready path needs a known address: set Port (0 for the kernel's pick).", nameof(options));
        }

        var urls = options.Port is { } port ? $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}" : null;
        List<string> arguments = [options.Dll];
        if (urls is not null)
        {
            arguments.AddRange(["--urls", urls]);
        }

        arguments.AddRange(options.Arguments);
        var start = new ProcessStartInfo(DotnetHost(), arguments)
        {
            WorkingDirectory = options.WorkingDirectory ?? Path.GetDirectoryName(Path.GetFullPath(options.Dll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in options.Environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process, options.Port is > 0 ? new Uri(urls!) : null, options.OutputLines, options.LogFile);
        process.OutputDataReceived += (_, e) => host.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnOutput(e.Data);
        if (options.Port == 0)
        {
            host._listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, _) => host._listening.TrySetException(new InvalidOperationException($"{host._name} exited during start-up:\n{host.RecentOutput}"));
        }

        var launched = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (options.ReadyPath is null && options.Port != 0)
        {
            host.TimeToReady = Stopwatch.GetElapsedTime(launched);
            return host;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ReadyTimeout);
        try
        {
            // Port 0: the address is known once the host says which port it bound.
            host._baseAddress ??= await host._listening!.Task.WaitAsync(deadline.Token);
            if (options.ReadyPath is not null)
            {
                await host.WaitUntilReadyAsync(options.ReadyPath, deadline.Token);
            }

            host.TimeToReady = Stopwatch.GetElapsedTime(launched);
            return host;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await host.DisposeAsync();
            throw new TimeoutException($"{host._name} was not ready ({(options.ReadyPath is null ? "no \"Now listening on:\" line" : options.ReadyPath + " 200")}) within {options.ReadyTimeout.TotalSeconds:F0} s; its last output:\n{host.RecentOutput}");
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGTERM, as <c>kill</c> or a service manager sends it: the app shuts down as it would in production.</summary>
    public void Terminate()
    {
        if (_process.HasExited)
        {
            return;
        }

        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>
    /// Kills the process at once (on Linux <see cref="Process.Kill()"/> is <c>kill(pid, SIGKILL)</c>: no shutdown
    /// hooks, no flushing; its children are left alone) and returns its exit code once it is gone.
    /// </summary>
    public async Task<int> KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>True once it has exited, false if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
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
            lock (_output)
            {
                _log?.Dispose();
            }
        }
    }

    // The muxer that runs these tests (set by the dotnet CLI), else the one on PATH.
    private static string DotnetHost()
        => System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _log?.WriteLine(line);
            _output.Enqueue(line);
            if (_output.Count > _outputLines)
            {
                _output.Dequeue();
            }
        }

        var at = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
        if (_listening is not null && at >= 0 && Uri.TryCreate(line[(at + ListeningPrefix.Length)..].Trim(), UriKind.Absolute, out var address))
        {
            _listening.TrySetResult(address);
        }
    }

    // Bound is not ready: PatientVoice warms its validator for ~20 s after the port opens, and /health/ready says 503 until then.
    private async Task WaitUntilReadyAsync(string readyPath, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_name} exited (code {_process.ExitCode}) before it was ready:\n{RecentOutput}");
            }

            try
            {
                using var response = await client.GetAsync(readyPath, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening, or bound but not serving yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One probe timed out (a busy start-up); try again.
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
