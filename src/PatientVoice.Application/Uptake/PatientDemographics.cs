using Hl7.Fhir.Model;

namespace PatientVoice.Application.Uptake;

/// <summary>
/// What the uptake report takes from the EHR's Patient, as categories only (docs/adr/0031): the preferred language
/// (<c>communication.preferred</c>), the US Core race and ethnicity extensions' OMB categories. Nothing else of the
/// Patient is kept, and nothing is stored.
/// </summary>
public sealed record PatientDemographics(string? PreferredLanguage, string Race, string Ethnicity)
{
    public const string UsCoreRace = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
    public const string UsCoreEthnicity = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";

    /// <summary>Nothing known (the EHR has no such patient, or could not be read).</summary>
    public static PatientDemographics NotRecorded { get; } = new(null, UptakeCategories.NotRecorded, UptakeCategories.NotRecorded);

    public static PatientDemographics Of(Patient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var language = patient.Communication.Where(c => c.Preferred == true)
            .SelectMany(c => c.Language?.Coding ?? []).Select(c => c.Code).FirstOrDefault(c => !string.IsNullOrEmpty(c));
        return new(language, RaceOf(patient), EthnicityOf(patient));
    }

    private static string RaceOf(Patient patient)
    {
        var races = OmbCategories(patient, UsCoreRace)
            .Where(c => c is UptakeCategories.AmericanIndian or UptakeCategories.Asian or UptakeCategories.Black or UptakeCategories.PacificIslander or UptakeCategories.White)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return races.Count switch
        {
            0 => UptakeCategories.NotRecorded,
            1 => races[0],
            _ => UptakeCategories.MultipleRaces,
        };
    }

    private static string EthnicityOf(Patient patient)
        => OmbCategories(patient, UsCoreEthnicity).FirstOrDefault(c => c is UptakeCategories.HispanicOrLatino or UptakeCategories.NotHispanicOrLatino)
           ?? UptakeCategories.NotRecorded;

    // The ombCategory sub-extensions' codes (UNK and ASKU, from NullFlavor, fall to "not recorded").
    private static IEnumerable<string> OmbCategories(Patient patient, string url)
        => patient.Extension.Where(e => e.Url == url)
            .SelectMany(e => e.Extension.Where(s => s.Url == "ombCategory"))
            .Select(s => s.Value as Coding)
            .Where(c => c is not null && (c.System is null || c.System == UptakeCategories.CdcRaceEthnicitySystem))
            .Select(c => c!.Code ?? "")
            .Where(code => code.Length > 0);
}
