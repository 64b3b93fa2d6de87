using System.Diagnostics;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Operations;

/// <summary>What a run of <c>dotnet PatientVoice.Web.dll …</c> that ends by itself printed and returned.</summary>
internal sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}; stdout: {Output.Trim()}; stderr: {Error.Trim()}";
}

/// <summary>
/// Runs the server's build (<c>dotnet PatientVoice.Web.dll args</c>) as an operator would, with the test server's
/// environment (<see cref="ServerProcess.Options"/>) so it reads the same configuration, and waits for it to exit.
/// </summary>
internal static class ServerCommand
{
    public static async Task<CommandResult> RunAsync(ServerSettings settings, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var options = ServerProcess.Options(settings);
        var start = new ProcessStartInfo(DotnetHost(), [options.Dll, .. arguments, .. options.Arguments])
        {
            WorkingDirectory = Path.GetDirectoryName(options.Dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in options.Environment.Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet PatientVoice.Web.dll {string.Join(' ', arguments)} did not exit within {timeout.TotalSeconds} s.");
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }

    private static string DotnetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
