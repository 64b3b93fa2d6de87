using Hl7.Fhir.Model;

namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>
/// Care preferences and self-knowledge from the Observations extracted from the newest response of each form,
/// compared with those of the previous response: what is new, what changed (with the earlier words), what is no
/// longer said.
/// </summary>
internal static class ObservationSections
{
    public const string PreferencesArea = "Care preferences";
    public const string SelfKnowledgeArea = "What they know about their condition";

    public static IReadOnlyList<LabelledWords> Preferences(SubmissionHistory history, IReadOnlyList<Observation> observations, Func<QuestionnaireResponse, Authorship> authorshipOf, List<SummaryChange> changes)
    {
        var latest = history.Latest(Forms.MyCarePreferences);
        if (latest is null)
        {
            return [];
        }

        var previous = history.Previous(Forms.MyCarePreferences);
        var now = From(observations, latest).Select(o => (Key: KindOf(o, Forms.CarePreferenceKinds).Code, Observation: o)).ToList();
        var before = previous is null ? null : From(observations, previous).GroupBy(o => KindOf(o, Forms.CarePreferenceKinds).Code).ToDictionary(g => g.Key, g => Text(g.First()));
        return Compare(now, before, latest, authorshipOf, changes, PreferencesArea, o => KindOf(o, Forms.CarePreferenceKinds).Label,
            key => Label(observations, key));
    }

    public static IReadOnlyList<ConditionKnowledge> SelfKnowledge(SubmissionHistory history, IReadOnlyList<Observation> observations, Func<QuestionnaireResponse, Authorship> authorshipOf, List<SummaryChange> changes)
    {
        var latest = history.Latest(Forms.WhatIKnow);
        if (latest is null)
        {
            return [];
        }

        var previous = history.Previous(Forms.WhatIKnow);
        string KeyOf(Observation o) => SummaryText.Key(Condition(o)) + "\u001f" + KindOf(o, Forms.SelfKnowledgeKinds).Code;
        var now = From(observations, latest).Select(o => (Key: KeyOf(o), Observation: o)).ToList();
        var before = previous is null ? null : From(observations, previous).GroupBy(KeyOf).ToDictionary(g => g.Key, g => Text(g.First()));
        var items = Compare(now, before, latest, authorshipOf, changes, SelfKnowledgeArea,
            o => $"{Condition(o)}: {KindOf(o, Forms.SelfKnowledgeKinds).Label}", key => Label(observations, key));
        // Group by condition in the order the patient named them.
        return now.Zip(items)
            .GroupBy(pair => SummaryText.Key(Condition(pair.First.Observation)))
            .Select(g => new ConditionKnowledge(Condition(g.First().First.Observation), g.Select(p => p.Second).ToList()))
            .ToList();
    }

    private static List<LabelledWords> Compare(
        List<(string Key, Observation Observation)> now,
        Dictionary<string, string>? before,
        QuestionnaireResponse latest,
        Func<QuestionnaireResponse, Authorship> authorshipOf,
        List<SummaryChange> changes,
        string area,
        Func<Observation, string> label,
        Func<string, string> labelOfKey)
    {
        var by = authorshipOf(latest);
        var items = new List<LabelledWords>();
        foreach (var (key, observation) in now)
        {
            var text = Text(observation);
            var change = ChangeKind.None;
            string? earlier = null;
            if (before is not null)
            {
                if (!before.TryGetValue(key, out earlier))
                {
                    change = ChangeKind.New;
                }
                else if (SummaryText.Key(earlier) != SummaryText.Key(text))
                {
                    change = ChangeKind.Changed;
                }
                else
                {
                    earlier = null;
                }
            }

            var kind = KindOf(observation, area == PreferencesArea ? Forms.CarePreferenceKinds : Forms.SelfKnowledgeKinds);
            items.Add(new LabelledWords(kind.Code, kind.Label, text, by, change, earlier));
            if (change != ChangeKind.None)
            {
                changes.Add(new SummaryChange(area, label(observation), change, earlier, text));
            }
        }

        if (before is not null)
        {
            var current = now.Select(n => n.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, text) in before.Where(b => !current.Contains(b.Key)))
            {
                changes.Add(new SummaryChange(area, labelOfKey(key), ChangeKind.NoLongerMentioned, text, null));
            }
        }

        return items;
    }

    private static IEnumerable<Observation> From(IEnumerable<Observation> observations, QuestionnaireResponse response) => observations.Where(o =>
        o.Status is not ObservationStatus.Cancelled and not ObservationStatus.EnteredInError
        && o.DerivedFrom.Any(d => d.Reference is { } r && ClinicianSummaryReader.ReferenceId(r) == response.Id)
        && Text(o).Length > 0);

    private static string Text(Observation observation) => SummaryText.AsText(observation.Value) ?? string.Empty;

    private static string Condition(Observation observation) =>
        observation.Focus.Select(f => f.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? "Their condition";

    private static (string Code, string Label) KindOf(Observation observation, string system)
    {
        var coding = observation.Code?.Coding.FirstOrDefault(c => c.System == system) ?? observation.Code?.Coding.FirstOrDefault();
        return (coding?.Code ?? observation.Code?.Text ?? "other", coding?.Display ?? observation.Code?.Text ?? coding?.Code ?? "Other");
    }

    // A label for a key that only the previous response has: look it up among every observation read.
    private static string Label(IEnumerable<Observation> observations, string key)
    {
        foreach (var o in observations)
        {
            var pref = KindOf(o, Forms.CarePreferenceKinds);
            if (pref.Code == key)
            {
                return pref.Label;
            }

            var self = KindOf(o, Forms.SelfKnowledgeKinds);
            if (SummaryText.Key(Condition(o)) + "\u001f" + self.Code == key)
            {
                return $"{Condition(o)}: {self.Label}";
            }
        }

        return key;
    }
}
