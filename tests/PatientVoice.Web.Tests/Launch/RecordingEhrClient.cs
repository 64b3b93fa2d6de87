using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>One request a page made of the EHR: who asked, for which type, with which granted scopes, and how it ended.</summary>
internal sealed record EhrRead(string SessionId, SessionRole Role, string ResourceType, string Scope, EhrRequestFailure? Failure);

/// <summary>
/// Wraps the real <see cref="EhrFhirClient"/> (real HTTP to the sandbox) and records every read and search the
/// pages ask for, so a test can hold what the code reads against what the launch asked for.
/// </summary>
internal sealed class RecordingEhrClient(EhrFhirClient inner) : IEhrFhirClient
{
    private readonly ConcurrentQueue<EhrRead> _reads = new();

    public IReadOnlyList<EhrRead> Reads => [.. _reads];

    public Task<Resource?> ReadAsync(SmartSession session, string reference, CancellationToken cancellationToken)
        => RecordAsync(session, reference.Split('/')[0], () => inner.ReadAsync(session, reference, cancellationToken));

    public Task<Bundle> SearchAsync(SmartSession session, string resourceType, string query, CancellationToken cancellationToken)
        => RecordAsync(session, resourceType, () => inner.SearchAsync(session, resourceType, query, cancellationToken));

    private async Task<T> RecordAsync<T>(SmartSession session, string type, Func<Task<T>> read)
    {
        try
        {
            var result = await read();
            _reads.Enqueue(new EhrRead(session.Id, session.Role, type, session.Scope, null));
            return result;
        }
        catch (EhrRequestException e)
        {
            _reads.Enqueue(new EhrRead(session.Id, session.Role, type, session.Scope, e.Failure));
            throw;
        }
    }
}
