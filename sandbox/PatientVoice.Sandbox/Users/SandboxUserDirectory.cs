using PatientVoice.Sandbox.Seeding;

namespace PatientVoice.Sandbox.Users;

/// <summary>The users derived from the seeded EHR data: each patient, each family member, each practitioner.</summary>
public sealed class SandboxUserDirectory
{
    private readonly Dictionary<string, SandboxUser> _byLogin;

    public SandboxUserDirectory()
    {
        var users = new List<SandboxUser>();
        users.AddRange(EhrSeedData.Patients.Select(p => new SandboxUser(p.Id, p.DisplayName, SandboxUserKind.Patient, $"Patient/{p.Id}", p.Id)));
        users.AddRange(EhrSeedData.FamilyMembers.Select(r => new SandboxUser(r.Id, $"{r.DisplayName} ({r.Relationship} of {EhrSeedData.PatientName(r.PatientId)})",
            SandboxUserKind.RelatedPerson, $"RelatedPerson/{r.Id}", r.PatientId)));
        users.AddRange(EhrSeedData.Practitioners.Select(p => new SandboxUser(p.Id, $"{p.DisplayName}, {p.Role}", SandboxUserKind.Practitioner, $"Practitioner/{p.Id}", null)));
        All = users;
        _byLogin = users.ToDictionary(u => u.Login, StringComparer.Ordinal);
    }

    public IReadOnlyList<SandboxUser> All { get; }

    public SandboxUser? Find(string? login) => login is not null && _byLogin.TryGetValue(login, out var user) ? user : null;
}
