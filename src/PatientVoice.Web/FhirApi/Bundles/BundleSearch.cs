using Hl7.Fhir.Model;
using PatientVoice.Application;
using PatientVoice.Application.Transactions;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;
using PatientVoice.Web.FhirApi.Search;

namespace PatientVoice.Web.FhirApi.Bundles;

/// <summary>
/// A search entry of a Bundle, answered as <c>GET [base]/Type?params</c> would be, inside the Bundle's session: a look-up
/// (it sees the Bundle's writes and decides none, so it takes no conditional lock; docs/adr/0016-postgresql-store.md).
/// </summary>
public sealed class BundleSearch(HttpRequest request, SearchQueryParser parser, FhirApiOptions options) : IBundleSearch
{
    public async Task<Resource> SearchAsync(IResourceWriteSession session, string type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
        => FhirSerializer.Parse<Bundle>(await SearchEndpoints.ExecuteAsync(type, parameters, request, session.LookUpAsync, parser, options, cancellationToken));
}
