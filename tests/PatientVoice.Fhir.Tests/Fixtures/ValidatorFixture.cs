using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Tests.Fixtures;

/// <summary>One warm validator for the whole test run: building it takes seconds, validating takes milliseconds.</summary>
public sealed class ValidatorFixture : IAsyncLifetime
{
    public ValidatorFixture()
    {
        var options = new ConformanceOptions();
        Package = ConformancePackage.Load(options.ProfilesDirectory);
        Validator = new ProfileValidator(Options.Create(options), Package, NullLogger<ProfileValidator>.Instance);
    }

    public ConformancePackage Package { get; }

    public ProfileValidator Validator { get; }

    public QuestionnaireResponseValidator ResponseValidator { get; } = new();

    public Task InitializeAsync() => Validator.WarmUpAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class ValidatorCollection : ICollectionFixture<ValidatorFixture>
{
    public const string Name = "One warm validator";
}
