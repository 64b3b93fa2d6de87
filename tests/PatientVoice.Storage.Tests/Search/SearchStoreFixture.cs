using Hl7.Fhir.Model;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;

namespace PatientVoice.Storage.Tests.Search;

/// <summary>
/// A store loaded once with <see cref="SearchFixtureData"/>. Each adapter (SQLite now, PostgreSQL later)
/// supplies <see cref="CreateStoreAsync"/>; the suite in <see cref="SearchStoreTests{TFixture}"/> is shared.
/// </summary>
public abstract class SearchStoreFixture : IAsyncLifetime
{
    protected SearchStoreFixture()
    {
        Registry = CreateRegistry();
        Parser = new SearchQueryParser(Registry);
    }

    public SearchParameterRegistry Registry { get; }

    public SearchQueryParser Parser { get; }

    public IResourceStore Store { get; private set; } = null!;

    public int Loaded { get; private set; }

    /// <summary>A new, empty, initialized store that indexes with <paramref name="registry"/>.</summary>
    public abstract Task<IResourceStore> CreateStoreAsync(SearchParameterRegistry registry);

    /// <summary>The core parameters plus one of ours, to cover the number type (no R4 parameter of our types is a number).</summary>
    public static SearchParameterRegistry CreateRegistry()
    {
        var registry = new SearchParameterRegistry();
        registry.Add("Observation", "value-number", SearchParamType.Number, "urn:patientvoice:test:value-number", "(Observation.value as Quantity).value");
        return registry;
    }

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync(Registry);
        Loaded = await SearchFixtureData.LoadAsync(Store);
    }

    public abstract Task DisposeAsync();
}
