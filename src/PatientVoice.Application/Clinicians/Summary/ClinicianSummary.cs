namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>
/// What a clinician reads before a visit, built from PatientVoice's own store, in the order they should read it:
/// safety flags, the agenda in the patient's ranked order, this visit in the patient's words, their expertise about
/// their conditions, their care preferences, their goals. Every text is the patient's, unedited and in full.
/// </summary>
public sealed record ClinicianSummary
{
    /// <summary><c>Patient/{id}</c> as the EHR names the patient.</summary>
    public required string Patient { get; init; }

    /// <summary>
    /// When the patient last shared something: the newest completed submission, or a change to their goals on the My
    /// goals page if later; null when the patient has shared nothing yet.
    /// </summary>
    public DateTimeOffset? LastSubmitted { get; init; }

    /// <summary>The completed submissions read, newest first (versioned references), which an acknowledgement covers.</summary>
    public IReadOnlyList<string> Submissions { get; init; } = [];

    public IReadOnlyList<SafetyFlagView> SafetyFlags { get; init; } = [];

    public AgendaView? Agenda { get; init; }

    public VisitWords Visit { get; init; } = new();

    public IReadOnlyList<ConditionKnowledge> SelfKnowledge { get; init; } = [];

    public IReadOnlyList<LabelledWords> CarePreferences { get; init; } = [];

    public IReadOnlyList<GoalView> Goals { get; init; } = [];

    /// <summary>What changed since the previous submission of each form, for the "What changed" list.</summary>
    public IReadOnlyList<SummaryChange> Changes { get; init; } = [];

    /// <summary>Acknowledgements ("I have read this"), newest first.</summary>
    public IReadOnlyList<ReadAcknowledgement> ReadBy { get; init; } = [];

    /// <summary>The patient note (DocumentReference) of the newest submission, as the EHR receives it.</summary>
    public string? PatientNote { get; init; }

    /// <summary>True when the patient has shared anything at all.</summary>
    public bool HasAnything => LastSubmitted is not null;

    /// <summary>True when a clinician acknowledged after the newest submission.</summary>
    public bool ReadSinceLastSubmission => ReadBy.Count > 0 && LastSubmitted is { } last && ReadBy[0].When >= last;

    /// <summary>Count of goals currently in play (not ended), for the CDS Hooks card and clinic list.</summary>
    public int OpenGoalCount => Goals.Count(g => !g.IsEnded);

    /// <summary>Count of worries written for this visit.</summary>
    public int WorryCount => Visit.Worries.Count;

    /// <summary>
    /// The staff members who typed for the patient in what this summary shows (their references, in order of first
    /// appearance), so that a page can name them ("Answered with help from Alex Rivera") from the EHR.
    /// </summary>
    public IReadOnlyList<string> Helpers => Authorships().Select(a => a.HelpedBy).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private IEnumerable<Authorship> Authorships()
    {
        foreach (var flag in SafetyFlags)
        {
            yield return flag.Authorship;
        }

        if (Agenda is { } agenda)
        {
            yield return agenda.Authorship;
        }

        foreach (var words in Visit.Hopes.Concat(Visit.Worries).Concat(Visit.ClinicianShouldKnow).Concat(Visit.Changes))
        {
            yield return words.Authorship;
        }

        foreach (var item in SelfKnowledge.SelectMany(c => c.Items).Concat(CarePreferences))
        {
            yield return item.Authorship;
        }

        foreach (var goal in Goals)
        {
            yield return goal.Authorship;
        }
    }
}

/// <summary>A safety concern raised from what the patient wrote, with their words.</summary>
/// <param name="Reason">Why it was flagged (e.g. "Mentions self-harm"), as the patient pages recorded it.</param>
public sealed record SafetyFlagView(string Reason, string? PatientWrote, Authorship Authorship);

/// <summary>The visit agenda (a List, docs/adr/0003) in the patient's ranked order, with what the clinician did about each.</summary>
public sealed record AgendaView(string ListId, int ListVersion, Authorship Authorship, IReadOnlyList<AgendaItemView> Items);

/// <summary>One agenda topic: its rank (1 = most important), the patient's words, and the loop closed on it, if any.</summary>
public sealed record AgendaItemView(int Rank, string Text, AgendaOutcomeView? Outcome);

/// <summary>What the clinician marked an agenda item: addressed, deferred or next visit; by whom and when.</summary>
public sealed record AgendaOutcomeView(AgendaOutcome Outcome, string? By, DateTimeOffset? When)
{
    public string Label => AgendaOutcomes.Label(Outcome);
}

/// <summary>The "Before your visit" answers, in the patient's words.</summary>
public sealed record VisitWords
{
    public IReadOnlyList<PatientWords> Hopes { get; init; } = [];
    public IReadOnlyList<PatientWords> Worries { get; init; } = [];
    public IReadOnlyList<PatientWords> ClinicianShouldKnow { get; init; } = [];
    public IReadOnlyList<PatientWords> Changes { get; init; } = [];

    /// <summary>"Would you like a family member or friend to be part of your care?" and who.</summary>
    public PatientWords? InvolveFamily { get; init; }

    /// <summary>How they like decisions to be made (the answer's display).</summary>
    public PatientWords? DecisionStyle { get; init; }

    public bool IsEmpty => Hopes.Count + Worries.Count + ClinicianShouldKnow.Count + Changes.Count == 0 && InvolveFamily is null && DecisionStyle is null;
}

/// <summary>What the patient knows about one of their conditions (named in their words).</summary>
public sealed record ConditionKnowledge(string Condition, IReadOnlyList<LabelledWords> Items);

/// <summary>A goal in the patient's words with its status, the clinician's notes and how it got here.</summary>
public sealed record GoalView
{
    public required string Id { get; init; }
    public required int Version { get; init; }
    public required string Words { get; init; }
    public required string Status { get; init; }
    public string? Due { get; init; }
    public string? HowTheyWillKnow { get; init; }

    /// <summary>Why it matters and what might get in the way, in the patient's words (notes without an author).</summary>
    public IReadOnlyList<string> PatientNotes { get; init; } = [];

    /// <summary>Notes with an author (the clinician's additions when a goal was agreed).</summary>
    public IReadOnlyList<GoalNoteView> AuthoredNotes { get; init; } = [];

    public required Authorship Authorship { get; init; }
    public ChangeKind Change { get; init; }

    /// <summary>When the patient first wrote this goal (earliest submission with the same words).</summary>
    public DateTimeOffset? FirstShared { get; init; }

    /// <summary>Status changes over the goal's versions, oldest first.</summary>
    public IReadOnlyList<GoalStatusStep> History { get; init; } = [];

    /// <summary>True when clinician and patient agreed it (active or accepted).</summary>
    public bool IsAgreed => Status is "active" or "accepted";

    public bool IsEnded => Status is "cancelled" or "completed" or "rejected" or "entered-in-error";
}

/// <summary>A note on a goal with its author.</summary>
public sealed record GoalNoteView(string Text, string? Author, DateTimeOffset? When);

/// <summary>One step in a goal's status history.</summary>
public sealed record GoalStatusStep(string Status, DateTimeOffset When, int Version);

/// <summary>An "I have read this": who, when, and the newest submission it covered.</summary>
public sealed record ReadAcknowledgement(string Id, string? By, DateTimeOffset When, IReadOnlyList<string> Covers);
