namespace PatientVoice.Testing.Load;

/// <summary>Who the sandbox EHR seeds (sandbox/PatientVoice.Sandbox/Seeding/EhrSeedData.cs) and the forms PatientVoice ships.</summary>
public static class SeededEhr
{
    public static readonly IReadOnlyList<string> Patients =
    [
        "maria-garcia", "james-okafor", "ana-torres", "robert-chen", "linda-johnson", "carlos-mendoza",
        "grace-williams", "ahmed-hassan", "rosa-hernandez", "thomas-mueller", "aisha-bello",
    ];

    public static readonly IReadOnlyList<string> Practitioners = ["dr-patel", "dr-nguyen", "dr-silva"];

    public static readonly IReadOnlyList<string> Forms = ["before-your-visit", "my-goals", "my-care-preferences", "what-i-know-about-my-condition"];
}
