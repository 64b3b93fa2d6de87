using Hl7.Fhir.Model;

namespace PatientVoice.Application.Subscriptions;

/// <summary>
/// What the token that wrote a subscription could read, recorded with it (extension <see cref="Url"/>, set by the server on
/// every write, whatever the client sent): per topic resource type, every patient (<c>*</c>) or one (<c>Patient/123</c>);
/// the client and issuer; the FHIR base the client called. The worker enforces it without a request: an event about
/// something the creator could not read is never queued, and is checked again before it is sent.
/// </summary>
public sealed record SubscriberGrant(IReadOnlyDictionary<string, string> ReadReach, string? Client, string? Issuer, string? FhirBase)
{
    public const string Url = "http://patientvoice.example.org/fhir/StructureDefinition/subscription-grant";
    public const string AllPatients = "*";

    /// <summary>The server itself (a write outside any FHIR request): every patient, every topic type.</summary>
    public static SubscriberGrant Server { get; } = new(
        SubscriptionTopics.All.Select(t => t.ResourceType).Distinct().ToDictionary(t => t, _ => AllPatients, StringComparer.Ordinal), null, null, null);

    /// <summary>Whether the grant reads <paramref name="resourceType"/> about <paramref name="patient"/> (<c>Patient/123</c>; null: any patient reached).</summary>
    public bool CanRead(string resourceType, string? patient)
        => ReadReach.TryGetValue(resourceType, out var reach) && (reach == AllPatients || (patient is not null && reach == patient));

    /// <summary>The one patient the grant reaches for this type, or null for every patient.</summary>
    public string? PatientFor(string resourceType) => ReadReach.TryGetValue(resourceType, out var reach) && reach != AllPatients ? reach : null;

    public Extension ToExtension()
    {
        var extension = new Extension { Url = Url };
        foreach (var (type, reach) in ReadReach.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            extension.Extension.Add(new Extension("read", new FhirString($"{type}|{reach}")));
        }

        if (Client is not null)
        {
            extension.Extension.Add(new Extension("client", new FhirString(Client)));
        }

        if (Issuer is not null)
        {
            extension.Extension.Add(new Extension("issuer", new FhirUri(Issuer)));
        }

        if (FhirBase is not null)
        {
            extension.Extension.Add(new Extension("fhirBase", new FhirUrl(FhirBase)));
        }

        return extension;
    }

    public static SubscriberGrant? Read(Subscription subscription)
    {
        var extension = subscription.GetExtension(Url);
        if (extension is null)
        {
            return null;
        }

        var reach = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var read in extension.Extension.Where(e => e.Url == "read").Select(e => (e.Value as FhirString)?.Value).OfType<string>())
        {
            var bar = read.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0)
            {
                reach[read[..bar]] = read[(bar + 1)..];
            }
        }

        string? Text(string name) => extension.Extension.FirstOrDefault(e => e.Url == name)?.Value switch
        {
            FhirString s => s.Value,
            FhirUri u => u.Value,
            FhirUrl u => u.Value,
            _ => null,
        };

        return new SubscriberGrant(reach, Text("client"), Text("issuer"), Text("fhirBase"));
    }
}

/// <summary>
/// The door's answer to "what may the caller read?", asked when a Subscription is written (the FHIR API answers from the
/// request's token). Outside a FHIR request the writer is the server itself (<see cref="SubscriberGrant.Server"/>).
/// </summary>
public interface ISubscriberAccess
{
    SubscriberGrant Current();
}

/// <summary>No door in front: the server's own writes.</summary>
public sealed class ServerSubscriberAccess : ISubscriberAccess
{
    public SubscriberGrant Current() => SubscriberGrant.Server;
}
