using PatientVoice.Testing;
using System.Text.Json;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Tests.Fixtures;

namespace PatientVoice.Fhir.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class ExampleTests(ValidatorFixture fixture)
{
    private static readonly Dictionary<string, Expectation> Expectations = LoadExpectations();

    public static TheoryData<string> ValidExamples() => Examples(name => !name.Contains("-invalid-", StringComparison.Ordinal));

    public static TheoryData<string> InvalidExamples() => Examples(name => name.Contains("-invalid-", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public async Task A_valid_example_passes_its_profile(string file)
    {
        var report = await fixture.Validator.ValidateAsync(Parse(file));

        Assert.True(report.IsValid, $"{file}: {string.Join(" | ", report.Errors.Select(e => $"{e.Expression}: {e.Diagnostics}"))}");
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public async Task An_invalid_example_fails_with_the_message_recorded_for_it(string file)
    {
        Assert.True(Expectations.TryGetValue(file, out var expected), $"{file} has no entry in examples/expectations.json");

        var report = await fixture.Validator.ValidateAsync(Parse(file));

        Assert.False(report.IsValid);
        Assert.Contains(report.Errors, e => e.Diagnostics.Contains(expected.Message, StringComparison.Ordinal) && e.Expression == expected.Expression);
    }

    [Fact]
    public void Every_profile_has_a_valid_and_an_invalid_example()
    {
        var names = Directory.GetFiles(RepositoryPaths.Examples, "*.json").Select(Path.GetFileName).ToList();
        foreach (var profile in fixture.Package.Profiles)
        {
            var examples = names.Where(n => File.ReadAllText(Path.Combine(RepositoryPaths.Examples, n!)).Contains(profile.Url!, StringComparison.Ordinal)).ToList();
            Assert.Contains(examples, n => n!.Contains("-valid", StringComparison.Ordinal) && !n.Contains("-invalid-", StringComparison.Ordinal));
            Assert.Contains(examples, n => n!.Contains("-invalid-", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_expectation_names_an_example_that_exists()
    {
        foreach (var file in Expectations.Keys)
        {
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Examples, file)), $"expectations.json names {file}, which does not exist");
        }
    }

    private static Hl7.Fhir.Model.Resource Parse(string file) =>
        FhirJson.Parse<Hl7.Fhir.Model.Resource>(File.ReadAllText(Path.Combine(RepositoryPaths.Examples, file)));

    private static TheoryData<string> Examples(Func<string, bool> which)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryPaths.Examples, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (file is not null && file != "expectations.json" && which(file))
            {
                data.Add(file);
            }
        }

        return data;
    }

    private static Dictionary<string, Expectation> LoadExpectations()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Examples, "expectations.json")));
        return json.RootElement.GetProperty("invalid").EnumerateObject().ToDictionary(
            p => p.Name,
            p => new Expectation(p.Value.GetProperty("message").GetString()!, p.Value.GetProperty("expression").GetString()!));
    }

    private sealed record Expectation(string Message, string Expression);
}
