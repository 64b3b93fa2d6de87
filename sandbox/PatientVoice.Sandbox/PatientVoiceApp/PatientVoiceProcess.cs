using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Options;
using PatientVoice.Sandbox.Keys;

namespace PatientVoice.Sandbox.PatientVoiceApp;

/// <summary>
/// The one command: once the EHR listens, starts PatientVoice (its build output, run by <c>dotnet</c> as a child
/// process; the sandbox never loads its code) configured against this EHR (<see cref="PatientVoiceEnvironment"/>),
/// forwards its output line by line prefixed <c>patientvoice | </c>, prints the URLs when it answers, reports it
/// if it dies, and stops it (SIGTERM, then a kill after <see cref="StopGrace"/>) when the sandbox stops.
/// </summary>
internal sealed partial class PatientVoiceProcess(
    IOptions<SandboxOptions> options,
    IHostEnvironment environment,
    SandboxKeys keys,
    IHostApplicationLifetime lifetime,
    ILogger<PatientVoiceProcess> logger) : BackgroundService
{
    public const string OutputPrefix = "patientvoice | ";
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    private Process? _process;
    private volatile bool _stopping;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sandbox = options.Value;
        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }

        if (!sandbox.StartPatientVoice)
        {
            StartupBanner.Write(sandbox, patientVoice: null);
            return;
        }

        var assembly = sandbox.PatientVoicePath is { Length: > 0 } configured ? Path.GetFullPath(configured) : BuildMetadata("PatientVoiceWebAssembly");
        if (assembly is null || !File.Exists(assembly))
        {
            LogNotBuilt(logger, assembly ?? "(unknown)");
            StartupBanner.Write(sandbox, patientVoice: null);
            return;
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList = { assembly },
            WorkingDirectory = ContentRoot(assembly),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in PatientVoiceEnvironment.For(sandbox, environment.EnvironmentName, keys))
        {
            start.Environment[name] = value;
        }

        Directory.CreateDirectory(Path.Combine(sandbox.DataDirectory, "patientvoice"));
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // No dotnet host to run it with: say so, and keep the EHR.
            LogCouldNotStart(logger, start.FileName, e.Message);
            process.Dispose();
            StartupBanner.Write(sandbox, patientVoice: null);
            return;
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        LogStarted(logger, process.Id, sandbox.AppBase);

        if (await WaitUntilLiveAsync(process, sandbox.AppBase, stoppingToken))
        {
            StartupBanner.Write(sandbox, patientVoice: process.Id);
        }

        try
        {
            await process.WaitForExitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!_stopping)
        {
            if (process.ExitCode == 0)
            {
                LogStoppedByItself(logger, sandbox.EhrBase);
            }
            else
            {
                LogDied(logger, process.ExitCode, sandbox.AppBase, sandbox.EhrBase);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_process is { HasExited: false } process)
        {
            if (ProcessSignals.RequestStop(process))
            {
                using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                grace.CancelAfter(StopGrace);
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    // It did not stop in time: killed below.
                }
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            LogStopped(logger, process.Id, process.ExitCode);
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _process?.Dispose();
        base.Dispose();
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var onStarted = lifetime.ApplicationStarted.Register(started.SetResult);
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> WaitUntilLiveAsync(Process process, string appBase, CancellationToken stoppingToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTimeOffset.UtcNow + ReadyTimeout;
        while (!stoppingToken.IsCancellationRequested && !process.HasExited && DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(appBase + "/health/live", stoppingToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // A slow answer while it starts.
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        if (!process.HasExited && !stoppingToken.IsCancellationRequested)
        {
            LogNotLive(logger, appBase, ReadyTimeout.TotalSeconds);
        }

        return false;
    }

    private static void Forward(string? line)
    {
        if (line is not null)
        {
            Console.Out.WriteLine(OutputPrefix + line);
        }
    }

    /// <summary>Where PatientVoice's sources are (its appsettings.json and wwwroot), else the folder of its build output.</summary>
    private static string ContentRoot(string assembly)
        => BuildMetadata("PatientVoiceWebProjectDirectory") is { } project && File.Exists(Path.Combine(project, "appsettings.json"))
            ? project
            : Path.GetDirectoryName(assembly)!;

    private static string? BuildMetadata(string key)
        => typeof(PatientVoiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    /// <summary>The <c>dotnet</c> host that runs this process, else the one beside this runtime, else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } current && Path.GetFileName(current) == executable)
        {
            return current;
        }

        // The shared runtime lives in {dotnet root}/shared/Microsoft.NETCore.App/{version}/.
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT")
            ?? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var beside = Path.Combine(root, executable);
        return File.Exists(beside) ? beside : executable;
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "PatientVoice started as process {ProcessId}, at {AppUrl}")]
    private static partial void LogStarted(ILogger logger, int processId, string appUrl);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "PatientVoice (process {ProcessId}) stopped with exit code {ExitCode}")]
    private static partial void LogStopped(ILogger logger, int processId, int exitCode);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Error, Message = "PatientVoice exited unexpectedly with exit code {ExitCode} (its output above, prefixed 'patientvoice |', says why; is {AppUrl} already in use?). The sandbox EHR keeps running at {EhrUrl}.")]
    private static partial void LogDied(ILogger logger, int exitCode, string appUrl, string ehrUrl);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "PatientVoice stopped by itself; the sandbox EHR keeps running at {EhrUrl}.")]
    private static partial void LogStoppedByItself(ILogger logger, string ehrUrl);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Error, Message = "PatientVoice is not built at {Path}: build the solution, set Sandbox:PatientVoicePath, or run the EHR alone with Sandbox:StartPatientVoice=false.")]
    private static partial void LogNotBuilt(ILogger logger, string path);

    [LoggerMessage(EventId = 9107, Level = LogLevel.Error, Message = "PatientVoice could not be started with {Host}: {Error}. The sandbox EHR keeps running.")]
    private static partial void LogCouldNotStart(ILogger logger, string host, string error);

    [LoggerMessage(EventId = 9106, Level = LogLevel.Warning, Message = "PatientVoice did not answer {AppUrl}/health/live within {Seconds} s; it keeps starting.")]
    private static partial void LogNotLive(ILogger logger, string appUrl, double seconds);
}
