using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>
/// <c>dotnet run --project sandbox/PatientVoice.Sandbox</c> as a user runs it: the sandbox's build output as a real
/// process, which starts PatientVoice as its child; both answer; SIGTERM stops both.
/// </summary>
public sealed partial class OneCommandTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The sandbox's build output run by <c>dotnet</c> from its project folder, as <c>dotnet run</c> does: no
    /// <c>--urls</c> (it binds Sandbox:EhrUrl) and no readiness wait (each test watches the start-up itself). Its
    /// output is kept whole: the lines a test looks for come early, before PatientVoice's own start-up logs.
    /// </summary>
    private static Task<HostProcess> StartSandboxAsync(string ehr, string app, string dataDirectory)
        => HostProcess.StartAsync(new HostProcessOptions(RepositoryPaths.SandboxAssembly)
        {
            WorkingDirectory = RepositoryPaths.SandboxProject,
            Environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Sandbox__EhrUrl"] = ehr,
                ["Sandbox__AppUrl"] = app,
                ["Sandbox__DataDirectory"] = dataDirectory,
                ["Sandbox__StartPatientVoice"] = "true",
            },
            OutputLines = int.MaxValue,
        });

    [Fact]
    public async Task The_sandbox_starts_patientvoice_configured_against_it_and_stopping_the_sandbox_stops_both()
    {
        using var data = new ScratchDirectory();
        var ehr = $"http://127.0.0.1:{FreePort.Next()}";
        var app = $"http://127.0.0.1:{FreePort.Next()}";
        await using var sandbox = await StartSandboxAsync(ehr, app, data.Path);
        int? child = null;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await WaitUntilAsync(() => AnswersAsync(http, app + "/health/live"), sandbox, "PatientVoice's /health/live");
            await WaitUntilAsync(() => AnswersAsync(http, ehr + "/fhir/.well-known/smart-configuration"), sandbox, "the sandbox's SMART discovery");
            child = ChildProcessId(sandbox);
            Assert.NotNull(child);
            Assert.True(IsRunning(child.Value));
            Assert.Contains(sandbox.Output, l => l.StartsWith("patientvoice | ", StringComparison.Ordinal));
            Assert.Contains(sandbox.Output, l => l.Contains("PatientVoice   " + app, StringComparison.Ordinal));

            // PatientVoice keeps its data in the sandbox's data folder, and its write-back key is registered with the EHR.
            Assert.True(File.Exists(Path.Combine(data.Path, "patientvoice", "patientvoice.db")));
            Assert.Equal(HttpStatusCode.OK, await BackendTokenStatusAsync(http, ehr, Path.Combine(data.Path, "patientvoice-backend-key.pem")));

            sandbox.Terminate();

            Assert.True(await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the sandbox stops on SIGTERM");
            await WaitUntilAsync(() => Task.FromResult(!IsRunning(child.Value)), sandbox: null, "PatientVoice to stop", TimeSpan.FromSeconds(10));
            Assert.False(await AnswersAsync(http, app + "/health/live"));
        }
        finally
        {
            // Disposing the sandbox kills it and what it started; a child that outlived it is killed here.
            await sandbox.DisposeAsync();
            if (child is { } pid && IsRunning(pid))
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
            }
        }
    }

    [Fact]
    public async Task A_patientvoice_that_cannot_start_is_reported_and_the_ehr_keeps_running()
    {
        using var data = new ScratchDirectory();
        // Something else holds PatientVoice's port, so it dies at start-up.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var app = $"http://127.0.0.1:{((IPEndPoint)squatter.LocalEndpoint).Port}";
        var ehr = $"http://127.0.0.1:{FreePort.Next()}";
        await using var sandbox = await StartSandboxAsync(ehr, app, data.Path);
        try
        {
            await WaitUntilAsync(() => Task.FromResult(sandbox.Output.Any(l => l.Contains("PatientVoice exited unexpectedly with exit code", StringComparison.Ordinal))),
                sandbox, "the report that PatientVoice died");

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await WaitUntilAsync(() => AnswersAsync(http, ehr + "/fhir/.well-known/smart-configuration"), sandbox, "the sandbox's SMART discovery");
            Assert.False(sandbox.HasExited);
        }
        finally
        {
            sandbox.Terminate();
            await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>A client_credentials grant for PatientVoice's backend client, signed with the key the sandbox made for it.</summary>
    private static async Task<HttpStatusCode> BackendTokenStatusAsync(HttpClient http, string ehr, string keyPath)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(keyPath));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        var now = DateTime.UtcNow;
        var assertion = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "patientvoice-backend",
            Audience = ehr + "/connect/token",
            Claims = new Dictionary<string, object> { ["sub"] = "patientvoice-backend", ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(4),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()) }, SecurityAlgorithms.EcdsaSha384),
        });
        using var response = await http.PostAsync(ehr + "/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "system/Goal.cruds",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        }));
        return response.StatusCode;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, HostProcess? sandbox, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? StartTimeout);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            Assert.False(sandbox?.HasExited == true, $"the sandbox exited while waiting for {what}:\n{sandbox?.RecentOutput}");
            await Task.Delay(250);
        }

        Assert.Fail($"Timed out waiting for {what}.\n{sandbox?.RecentOutput}");
    }

    /// <summary>The child's process id, as the sandbox reports it.</summary>
    private static int? ChildProcessId(HostProcess sandbox)
        => sandbox.Output.Select(l => StartedPattern().Match(l)).FirstOrDefault(m => m.Success) is { } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"PatientVoice started as process (\d+)")]
    private static partial Regex StartedPattern();
}
