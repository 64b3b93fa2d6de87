using Hl7.Fhir.Model;
using PatientVoice.Storage;

namespace PatientVoice.Application.Transactions;

/// <summary>
/// A search entry (<c>GET Type?params</c>) of a batch or transaction, run in the Bundle's session. The FHIR API
/// implements it: paging links and the client's view of the results are the API's to shape.
/// </summary>
public interface IBundleSearch
{
    Task<Resource> SearchAsync(IResourceWriteSession session, string type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken);
}
