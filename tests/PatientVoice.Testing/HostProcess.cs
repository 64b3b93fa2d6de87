using System.Diagnostics;
using System.Net;

namespace PatientVoice.Testing;

/// <summary>
/// A .NET web app (<c>dotnet X.dll</c>) as its own process on a loopback port chosen beforehand (the sandbox and
/// PatientVoice must know each other's URLs before either starts; <c>FreePort</c>). Ready once <c>readyPath</c>
/// answers 200. Disposing kills it, so a failed run leaves nothing behind. The portal stack runs on it, and so does
/// <c>SandboxProcess</c>; <c>ServerProcess</c> differs (the kernel picks its port, and it can be SIGKILLed).
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _recent = new();

    private HostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string RecentOutput
    {
        get
        {
            lock (_recent)
            {
                return string.Join('\n', _recent);
            }
        }
    }

    public static async Task<HostProcess> StartAsync(string dll, int port, string readyPath, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is not built; build the test project (it builds what it runs).");
        }

        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo(DotnetHost(), [dll, "--urls", baseAddress.AbsoluteUri.TrimEnd('/'), .. arguments])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => host.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => host.Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilReadyAsync(readyPath, timeout);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
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
            // Never started or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string DotnetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_recent)
        {
            _recent.Enqueue(line);
            while (_recent.Count > 60)
            {
                _recent.Dequeue();
            }
        }
    }

    private async Task WaitUntilReadyAsync(string readyPath, TimeSpan timeout)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(_process.StartInfo.ArgumentList[0])} exited (code {_process.ExitCode}) during start-up:\n{RecentOutput}");
            }

            try
            {
                using var response = await client.GetAsync(readyPath);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // A slow probe during a busy start-up.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Not ready within {timeout.TotalSeconds:F0} s:\n{RecentOutput}");
    }
}
