namespace PatientVoice.Web.Tests.Security;

/// <summary>Whose Goals a token reaches: nobody's, the own patient's (authz-alice) only, or every patient's.</summary>
public enum Reach
{
    Nobody,
    Own,
    All,
}

/// <summary>
/// One row of the authorization matrix's token table: the scopes (and context claims) a token carries, and
/// what they must give on Goal: the letters granted and the patients reached. The expected status of each
/// interaction follows from these two by the rules of docs/adr/0014 (<see cref="Expected"/>).
/// </summary>
public sealed record AccessProfile(string Scope, string? Patient, string? FhirUser, string GoalLetters, Reach Reach)
{
    public bool Can(char letter) => GoalLetters.Contains(letter, StringComparison.Ordinal);

    public bool ReachesOwn => Reach is Reach.Own or Reach.All;

    public bool ReachesAll => Reach == Reach.All;

    public override string ToString() => $"{Scope} (patient {Patient ?? "-"}, fhirUser {FhirUser ?? "-"})";
}

/// <summary>The interactions every token of the matrix is tried on.</summary>
public enum Interaction
{
    ReadOwn,
    ReadOther,
    VReadOther,
    HistoryOther,
    SearchOwn,
    SearchOther,
    SearchEverything,
    SearchOtherByPost,
    RevIncludeProvenance,
    CreateOwn,
    CreateOther,
    UpdateOwn,
    UpdateOther,
    UpdateOtherIntoOwn,
    DeleteOwn,
    DeleteOther,
    TransactionCreatingOther,
    BatchReadingOther,
}

/// <summary>
/// The status each interaction must answer for a profile: the letter missing is 403 if the resource (or, for
/// type-level interactions, anything) is within the token's reach, 404 if it is not (its existence is not
/// revealed); within the letters, what lies outside the reach is not found, and writes for another patient are refused.
/// </summary>
public static class Expected
{
    public static int Status(AccessProfile p, Interaction interaction) => interaction switch
    {
        Interaction.ReadOwn => p.Can('r') ? (p.ReachesOwn ? 200 : 404) : (p.ReachesOwn ? 403 : 404),
        Interaction.ReadOther or Interaction.VReadOther or Interaction.HistoryOther => p.Can('r') ? (p.ReachesAll ? 200 : 404) : (p.ReachesAll ? 403 : 404),
        Interaction.SearchOwn or Interaction.SearchOther or Interaction.SearchEverything or Interaction.SearchOtherByPost or Interaction.RevIncludeProvenance
            => p.Can('s') ? 200 : 403,
        Interaction.CreateOwn => p.Can('c') && p.ReachesOwn ? 201 : 403,
        Interaction.CreateOther => p.Can('c') && p.ReachesAll ? 201 : 403,
        Interaction.UpdateOwn => p.Can('u') ? (p.ReachesOwn ? 200 : 404) : (p.ReachesOwn ? 403 : 404),
        Interaction.UpdateOther or Interaction.UpdateOtherIntoOwn => p.Can('u') ? (p.ReachesAll ? 200 : 404) : (p.ReachesAll ? 403 : 404),
        // A delete of what the token cannot see deletes nothing, as for an id that does not exist (204).
        Interaction.DeleteOwn => p.Can('d') ? 204 : (p.ReachesOwn ? 403 : 404),
        Interaction.DeleteOther => p.Can('d') ? 204 : (p.ReachesAll ? 403 : 404),
        Interaction.TransactionCreatingOther => p.Can('c') && p.ReachesAll ? 200 : 403,
        Interaction.BatchReadingOther => 200,
        _ => throw new ArgumentOutOfRangeException(nameof(interaction)),
    };

    /// <summary>The status of the one entry of <see cref="Interaction.BatchReadingOther"/>.</summary>
    public static int BatchEntryStatus(AccessProfile p) => Status(p, Interaction.ReadOther);
}
