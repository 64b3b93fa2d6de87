using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Smart.Backend;

namespace PatientVoice.Application.Uptake;

/// <summary>
/// Reads the report's patients from the EHR (<c>GET Patient?_id=a,b,…</c>, a <c>system/Patient.rs</c> Backend Services
/// token) and keeps only their categories (<see cref="PatientDemographics"/>). Any failure — no token, an error, a
/// timeout — makes the whole look-up "not available" rather than a partial breakdown; the log says the status only.
/// </summary>
public sealed partial class EhrPatientDemographics(HttpClient http, BackendServicesTokenClient tokens, UptakeOptions options, ILogger<EhrPatientDemographics> logger)
    : IPatientDemographicsSource
{
    public const string HttpClientName = "UptakeDemographics";

    public async Task<DemographicsLookup> ReadAsync(IReadOnlyCollection<string> patients, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patients);
        var ids = patients.Where(p => p.StartsWith("Patient/", StringComparison.Ordinal)).Select(p => p["Patient/".Length..])
            .Where(id => id.Length > 0 && !id.Contains(',', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, PatientDemographics>(StringComparer.Ordinal);
        var fhirBase = tokens.Settings.FhirBaseUrl.ToString().TrimEnd('/');
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            var token = await tokens.GetAccessTokenAsync(timeout.Token);
            foreach (var batch in ids.Chunk(Math.Max(1, options.BatchSize)))
            {
                var url = $"{fhirBase}/Patient?_id={Uri.EscapeDataString(string.Join(',', batch))}&_count={batch.Length}";
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
                using var response = await http.SendAsync(request, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    LogRefused((int)response.StatusCode);
                    return DemographicsLookup.Unavailable;
                }

                // An answer that is not a Bundle throws, and is "not available" below.
                var bundle = FhirSerializer.Parse<Bundle>(await response.Content.ReadAsStringAsync(timeout.Token));

                foreach (var patient in bundle.Entry.Select(e => e.Resource).OfType<Patient>().Where(p => batch.Contains(p.Id, StringComparer.Ordinal)))
                {
                    found["Patient/" + patient.Id] = PatientDemographics.Of(patient);
                }
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(e.GetType().Name);
            return DemographicsLookup.Unavailable;
        }

        LogRead(ids.Count, found.Count);
        return new DemographicsLookup(true, found);
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Uptake demographics: asked the EHR for {Asked} patients, it knew {Found}")]
    private partial void LogRead(int asked, int found);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Uptake demographics: the EHR answered {Status}; the report shows them as not available")]
    private partial void LogRefused(int status);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Uptake demographics: the EHR could not be read ({Error}); the report shows them as not available")]
    private partial void LogUnreachable(string error);
}
