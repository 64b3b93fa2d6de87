using System.Diagnostics;
using System.Text.RegularExpressions;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Integrators;

/// <summary>
/// The README's "For integrators" examples are what an integrator copies first: every <c>sh</c> block of that section
/// runs, as written, with bash and curl against PatientVoice on Kestrel (one script, in order, stopping at the first
/// failure), with a token of the tests' issuer standing in for the sandbox's.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed partial class ReadmeExamplesTests(LaunchFixture fixture)
{
    [Fact]
    public async Task Every_example_for_integrators_in_the_readme_runs_against_a_running_server()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(PatientVoice.Testing.RepositoryPaths.Root, "README.md"));
        var start = readme.IndexOf("\n## For integrators", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README has no section for integrators.");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        var blocks = ShellBlock().Matches(section).Select(m => m.Groups[1].Value).ToList();
        Assert.True(blocks.Count >= 4, $"Expected the integrator examples as sh blocks; found {blocks.Count}.");

        var script = "set -euo pipefail\n" + string.Join("\n", blocks);
        var info = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["BASE"] = new Uri(fixture.AppUrl, "/fhir").AbsoluteUri;
        info.Environment["TOKEN"] = FhirServerFixture.Token(PatientVoice.Testing.TestTokens.AllAccess, clientId: "readme-examples");
        using var bash = Process.Start(info)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await bash.WaitForExitAsync(timeout.Token);

        Assert.True(bash.ExitCode == 0, $"The README's examples failed ({bash.ExitCode}):\n{await output}\n{await errors}");
        Assert.Matches("stored QuestionnaireResponse/[A-Za-z0-9\\-\\.]+", await output);
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
