namespace PatientVoice.Sandbox.Seeding;

/// <summary>A synthetic patient: every name, date and story here is invented.</summary>
internal sealed record SeedPatient(string Id, string Given, string Family, string Gender, string BirthDate, string Language,
    string ConditionCode, string ConditionText, string Note)
{
    public string DisplayName => $"{Given} {Family}";
}

internal sealed record SeedFamilyMember(string Id, string Given, string Family, string PatientId, string Relationship, string RelationshipCode)
{
    public string DisplayName => $"{Given} {Family}";
}

internal sealed record SeedPractitioner(string Id, string Given, string Family, string Role, string? Prefix = "Dr.")
{
    public string DisplayName => Prefix is null ? $"{Given} {Family}" : $"{Prefix} {Given} {Family}";
}

/// <summary>
/// The sandbox EHR's synthetic population. Ids are fixed so that tests, the README and launch URLs can name them.
/// Condition codes are SNOMED CT; notes are short, in the register of a clinic note.
/// </summary>
internal static class EhrSeedData
{
    public static readonly IReadOnlyList<SeedPatient> Patients =
    [
        new("maria-garcia", "María", "García López", "female", "1958-03-14", "es", "44054006", "Type 2 diabetes mellitus",
            "Seen for diabetes follow-up. HbA1c 8.1%, up from 7.4%. Reports difficulty with evening meals since her husband's illness. Prefers Spanish; daughter sometimes attends. Plan: review metformin dose, refer to diabetes educator."),
        new("james-okafor", "James", "Okafor", "male", "1971-09-02", "en", "84757009", "Epilepsy",
            "Follow-up of focal epilepsy with suspected additional non-epileptic events. Two events last month without tongue biting; video EEG planned. Continues levetiracetam 1000 mg bd. Driving restrictions discussed again."),
        new("ana-torres", "Ana", "Torres Ruiz", "female", "1985-11-23", "es", "91637004", "Myasthenia gravis",
            "Generalised myasthenia gravis, AChR antibody positive. Ptosis worse in the evenings, no bulbar symptoms today. Pyridostigmine 60 mg qds. Discussed thymectomy referral; patient wants to talk it over with family first."),
        new("robert-chen", "Robert", "Chen", "male", "1949-06-30", "en", "84114007", "Heart failure",
            "HFrEF, EF 35%. Weight up 2 kg in a week, mild ankle oedema, NYHA II-III. Furosemide increased to 80 mg for 3 days. Patient says his priority is to keep gardening."),
        new("linda-johnson", "Linda", "Johnson", "female", "1966-01-17", "en", "82423001", "Chronic pain",
            "Chronic low back pain, 6 years. Pain 7/10, sleep poor. Opioid taper continuing, now on 20 mg MME. Physiotherapy helped last year. Explored what a good day looks like for her."),
        new("carlos-mendoza", "Carlos", "Mendoza", "male", "1990-07-08", "es", "86406008", "HIV infection",
            "HIV on bictegravir/emtricitabine/TAF, viral load undetectable, CD4 640. Adherence good. Asked about PrEP for partner. Prefers Spanish for written material."),
        new("grace-williams", "Grace", "Williams", "female", "2004-04-11", "en", "84757009", "Epilepsy",
            "Juvenile myoclonic epilepsy. Seizure-free 9 months on lamotrigine. Starting university in another city; transition of care and sleep hygiene discussed."),
        new("ahmed-hassan", "Ahmed", "Hassan", "male", "1962-12-05", "en", "44054006", "Type 2 diabetes mellitus",
            "Type 2 diabetes with early peripheral neuropathy. Fasting during Ramadan next month; adjusted gliclazide timing. Foot check: reduced monofilament sensation both feet."),
        new("rosa-hernandez", "Rosa", "Hernández", "female", "1939-08-19", "es", "84114007", "Heart failure",
            "HFpEF, lives with her son. Breathless on one flight of stairs. Wishes to avoid further hospital admissions; advance care planning conversation started, to continue with son present."),
        new("thomas-mueller", "Thomas", "Müller", "male", "1977-02-26", "en", "91637004", "Myasthenia gravis",
            "Ocular myasthenia, stable on low-dose prednisolone. Double vision when tired. Works as a lorry driver; concerned about his licence."),
        new("aisha-bello", "Aisha", "Bello", "female", "1995-10-03", "en", "82423001", "Chronic pain",
            "Fibromyalgia-type widespread pain with fatigue. Duloxetine 60 mg, partial benefit. Paced activity plan agreed; she wants to return to dance classes."),
    ];

    /// <summary>
    /// US Core race (OMB categories; two for more than one race) and ethnicity per patient, invented like the rest;
    /// some left unrecorded, as in real records. Codes: CDC Race &amp; Ethnicity (urn:oid:2.16.840.1.113883.6.238).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string[] Races, string? Ethnicity)> RaceAndEthnicity = new Dictionary<string, (string[], string?)>
    {
        ["maria-garcia"] = (["2106-3"], "2135-2"),
        ["james-okafor"] = (["2054-5"], "2186-5"),
        ["ana-torres"] = (["2106-3"], "2135-2"),
        ["robert-chen"] = (["2028-9"], "2186-5"),
        ["linda-johnson"] = (["2106-3"], "2186-5"),
        ["carlos-mendoza"] = ([], "2135-2"),
        ["grace-williams"] = (["2054-5", "2106-3"], "2186-5"),
        ["ahmed-hassan"] = (["2106-3"], "2186-5"),
        ["rosa-hernandez"] = (["1002-5"], "2135-2"),
        ["thomas-mueller"] = (["2106-3"], "2186-5"),
        ["aisha-bello"] = (["2054-5"], null),
    };

    public static readonly IReadOnlyList<SeedFamilyMember> FamilyMembers =
    [
        new("lucia-garcia", "Lucía", "García", "maria-garcia", "daughter", "DAU"),
        new("miguel-hernandez", "Miguel", "Hernández", "rosa-hernandez", "son", "SON"),
        new("helen-chen", "Helen", "Chen", "robert-chen", "wife", "WIFE"),
    ];

    public static readonly IReadOnlyList<SeedPractitioner> Practitioners =
    [
        new("dr-patel", "Priya", "Patel", "neurologist"),
        new("dr-nguyen", "Minh", "Nguyen", "general practitioner"),
        new("dr-silva", "Beatriz", "Silva", "cardiologist"),
        // Staff who answer with patients (issue 18): reads the questions aloud or interprets, types the patient's words.
        new("ma-rivera", "Alex", "Rivera", "medical assistant and Spanish interpreter", Prefix: null),
    ];

    public static string PatientName(string patientId) => Patients.First(p => p.Id == patientId).DisplayName;

    /// <summary>The practitioner who looks after a patient's condition.</summary>
    public static SeedPractitioner ClinicianFor(SeedPatient patient) => patient.ConditionCode switch
    {
        "84757009" or "91637004" => Practitioners[0],
        "84114007" => Practitioners[2],
        _ => Practitioners[1],
    };
}
