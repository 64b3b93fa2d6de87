using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// Generated submissions of every questionnaire we ship (current and previous versions), for the proof that what the
/// extractor builds from a valid response is valid (<see cref="ExtractionProofTests"/>). Each case is made on demand from
/// its own seeded random, so the same index always gives the same response. A case answers the questionnaire's items at
/// random, with the values a patient, a family member or staff could send (any script, emoji, markup, edge lengths, line
/// breaks, partial and far dates, out-of-range numbers, codes outside the options, hidden goal ids of every shape, groups
/// repeated past their limit, answers where enableWhen hides the item, several answers to a single-answer item), who
/// answered (patient, family member, staff, another patient, nobody), and the response's own elements (status, authored,
/// language, encounter, carried-forward extension). A third of the cases then get one <see cref="Mutator"/> mutation on
/// top, of every kind in turn.
/// </summary>
public sealed class SubmissionCorpus
{
    private const int Seed = 3419;
    private const string Pv = "http://patientvoice.example.org/fhir";

    private static readonly MutationKind[] Mutations = Enum.GetValues<MutationKind>().Where(k => k != MutationKind.Valid).ToArray();

    // What people type: several scripts and languages, emoji, markup and entities, line breaks and tabs, quotes,
    // characters the narrative and the note must escape, one character; then the edges (control characters, surrounding
    // spaces, whitespace only, invisible characters). A plain case draws from the texts before the edges only.
    private static readonly string[] Texts =
    [
        "Walk to the park with my grandson",
        "Poder caminar sin dolor hasta la tienda",
        "Mañana, ¿puedo dejar la pastilla? Ñandú, acción, pingüino",
        "我想睡得更好",
        "أريد أن أنام جيدًا",
        "Менше болю в коліні",
        "Sleep 🙂 through the night 😴👍🏽",
        "<b>bold</b> & <script>alert('x')</script> &amp; &lt;tag&gt;",
        "Line one\nLine two\n\nLine four",
        "Tabs\tbetween\twords",
        "Windows\r\nline ends",
        "\"Quoted\" and 'single' and `back`",
        "a",
        "x y",
        "I want to die sometimes",
        "No quiero vivir así",
        "100% better by 5/1 — maybe ½",
        "Emoji only: 💊💉🩺",
        "Surrogate pair 𝄞 music",
        "Control \u0001 character",
        "  leading and trailing spaces  ",
        "Trailing newline\n",
        " ",
        "Zero\u200Bwidth\u200Djoiners",
    ];

    private const int PlainTexts = 19;

    private static readonly string[] Dates = ["2027-03-01", "2027", "2027-05", "2026-11-20", "1999-12-31", "2099-12-31", "2026-02-28", "1900-01-01"];

    private static readonly string[] Authored = ["2026-11-20T10:15:00Z", "2026-11-20T10:15:00+05:30", "2026-11-20T10:15:00.123-08:00", "2026-11-20", "2026", "2026-11", "1990-01-01T00:00:00Z", "2031-06-01T12:00:00Z"];

    // Ids a carried goal has (the first three), then ones no goal can have.
    private static readonly string[] GoalIds = ["g-1", "0193b3f2c5d87b2f9a1c3e5d7f9b1a2c", "GOAL.1", "has space", "ünïcode", new string('a', 64), new string('b', 65), "", "-", "a/b"];

    private static readonly string?[] Languages = [null, null, null, "en", "es", "en-US", "es-MX", "fr", "xx-not-a-language", "not a code!"];

    private const int PlainLanguages = 7;

    private readonly IReadOnlyList<Questionnaire> _questionnaires;

    public SubmissionCorpus(ConformancePackage package, int count)
    {
        // The current versions get most cases; the previous versions (responses pinned to them) their share.
        _questionnaires = [.. package.Questionnaires.OrderBy(q => q.Url, StringComparer.Ordinal), .. package.PreviousQuestionnaires.OrderBy(q => q.Url, StringComparer.Ordinal)];
        Count = count;
    }

    public int Count { get; }

    public IReadOnlyList<Questionnaire> Questionnaires => _questionnaires;

    /// <summary>Submission <paramref name="index"/>: the questionnaire it answers, the response, and what was done to it.</summary>
    public GeneratedSubmission Make(int index)
    {
        var random = new Random(unchecked((Seed * 1_000_003) + index));
        var current = _questionnaires.Count / 2;
        var questionnaire = random.Next(4) == 0 ? _questionnaires[current + (index % current)] : _questionnaires[index % current];
        var response = Response(questionnaire, index, random);

        // One case in three is mutated once more, each kind in turn; the mutation may leave nothing to mutate (then none).
        MutationKind? kind = null;
        string? mutation = null;
        if (index % 3 == 2)
        {
            kind = Mutations[(index / 3) % Mutations.Length];
            mutation = Mutator.Apply(response, kind.Value, random);
            if (mutation is null)
            {
                kind = null;
            }
        }

        return new GeneratedSubmission(index, questionnaire, response, kind, mutation);
    }

    private static QuestionnaireResponse Response(Questionnaire questionnaire, int index, Random random)
    {
        // Half the cases are plain (what the patient pages send: the edges of every dimension left out), so that many
        // responses pass and their extraction is checked; the other half draw from everything.
        var plain = random.Next(2) == 0;
        var patient = $"Patient/p-{index % 97}";
        var response = new QuestionnaireResponse
        {
            Id = random.Next(5) == 0 ? GuidFrom(random) : $"r-{index}",
            Questionnaire = !plain && random.Next(10) == 0 ? questionnaire.Url : $"{questionnaire.Url}|{questionnaire.Version}",
            Status = random.Next(5) == 0 ? QuestionnaireResponse.QuestionnaireResponseStatus.Amended : QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = !plain && random.Next(15) == 0 ? null : new ResourceReference(patient),
            AuthoredElement = !plain && random.Next(8) == 0 ? null : new FhirDateTime(Pick(random, Authored)),
            Language = plain ? Pick(random, Languages, PlainLanguages) : Pick(random, Languages),
        };

        if (random.Next(3) == 0)
        {
            response.Meta = new Meta { Profile = [$"{Pv}/StructureDefinition/pv-questionnaire-response"] };
        }

        (response.Author, response.Source) = random.Next(plain ? 9 : 10) switch
        {
            < 5 => (new ResourceReference(patient), random.Next(2) == 0 ? new ResourceReference(patient) : null),
            5 or 6 => (new ResourceReference($"RelatedPerson/rp-{index % 13}"), random.Next(2) == 0 ? new ResourceReference(patient) : null),
            7 => (new ResourceReference($"Practitioner/pr-{index % 7}"), random.Next(2) == 0 ? new ResourceReference(patient) : null),
            8 => (new ResourceReference($"PractitionerRole/role-{index % 5}"), new ResourceReference(random.Next(2) == 0 ? patient : $"RelatedPerson/rp-{index % 13}")),
            _ => random.Next(2) == 0 ? (null!, null) : (new ResourceReference($"Patient/someone-else-{index % 11}"), null),
        };

        if (random.Next(6) == 0)
        {
            response.Encounter = new ResourceReference(!plain && random.Next(4) == 0 ? $"Observation/not-a-visit-{index}" : $"Encounter/e-{index % 31}");
        }

        if (random.Next(8) == 0)
        {
            response.Extension.Add(new Extension($"{Pv}/StructureDefinition/pv-carried-forward-from", new ResourceReference($"QuestionnaireResponse/earlier-{index % 17}")));
        }

        response.Item.AddRange(new Answers(random, plain).Items(questionnaire.Item));
        return response;
    }

    // The server names a response with a GUID; drawn from the case's random so the corpus stays the same in every run.
    private static string GuidFrom(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString("N");
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> values, int? first = null) => values[random.Next(first ?? values.Count)];

    /// <summary>The answers of one case; a plain case keeps to what the patient pages can send.</summary>
    private sealed class Answers(Random random, bool plain)
    {
        public IEnumerable<QuestionnaireResponse.ItemComponent> Items(IEnumerable<Questionnaire.ItemComponent> items)
        {
            foreach (var item in items)
            {
                if (item.Type == Questionnaire.QuestionnaireItemType.Display)
                {
                    continue;
                }

                if (item.Type == Questionnaire.QuestionnaireItemType.Group)
                {
                    // Most groups repeat (a goal, a condition): none, one, a few, and now and then more than any form offers.
                    var repeats = item.Repeats == true
                        ? random.Next(10) switch { 0 => 0, < 5 => 1, < 9 => random.Next(2, 5), _ => plain ? 5 : random.Next(5, 12) }
                        : random.Next(4) == 0 ? 0 : 1;
                    for (var i = 0; i < repeats; i++)
                    {
                        var group = new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId, Text = random.Next(4) == 0 ? item.Text : null };
                        group.Item.AddRange(Items(item.Item));
                        if (group.Item.Count > 0 || (!plain && random.Next(10) == 0))
                        {
                            yield return group;
                        }
                    }

                    continue;
                }

                // Required items are answered more often than the others, and in a plain case always.
                if (random.NextDouble() > (item.Required == true ? (plain ? 1.0 : 0.93) : 0.6))
                {
                    continue;
                }

                var answered = new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId, Text = random.Next(4) == 0 ? item.Text : null };
                var answers = item.Repeats == true
                    ? random.Next(10) switch { 0 => plain ? 1 : 0, < 6 => random.Next(1, 4), < 9 => random.Next(4, 11), _ => plain ? 10 : random.Next(11, 14) }
                    : !plain && random.Next(25) == 0 ? 2 : 1;
                for (var i = 0; i < answers; i++)
                {
                    answered.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = Value(item) });
                }

                yield return answered;
            }
        }

        private DataType Value(Questionnaire.ItemComponent item)
        {
            // Now and then the answer is of another type than the item asks for.
            if (!plain && random.Next(40) == 0)
            {
                return random.Next(3) switch
                {
                    0 => new FhirString("not the type asked for"),
                    1 => new Integer(3),
                    _ => new FhirBoolean(true),
                };
            }

            return item.Type switch
            {
                Questionnaire.QuestionnaireItemType.String or Questionnaire.QuestionnaireItemType.Text => new FhirString(item.LinkId == "goal-id" ? GoalId() : Text(item)),
                Questionnaire.QuestionnaireItemType.Date => new Date(Pick(random, Dates)),
                Questionnaire.QuestionnaireItemType.Integer => new Integer(plain ? random.Next(0, 11) : random.Next(-3, 14)),
                Questionnaire.QuestionnaireItemType.Decimal => new FhirDecimal((decimal)(random.NextDouble() * 20) - 2),
                Questionnaire.QuestionnaireItemType.Boolean => new FhirBoolean(random.Next(2) == 0),
                Questionnaire.QuestionnaireItemType.Choice or Questionnaire.QuestionnaireItemType.OpenChoice => Choice(item),
                _ => new FhirString(Text(item)),
            };
        }

        private string GoalId() => plain ? Pick(random, GoalIds, 3) : Pick(random, GoalIds);

        private string Text(Questionnaire.ItemComponent item)
        {
            var maxLength = item.MaxLength ?? 1000;
            var pool = plain ? PlainTexts : Texts.Length;
            var text = random.Next(12) switch
            {
                // Exactly as long as allowed, and one character more.
                0 => new string('w', maxLength),
                1 when !plain => new string('w', maxLength + 1),
                2 => string.Join(' ', Enumerable.Range(0, random.Next(2, 6)).Select(_ => Pick(random, Texts, pool))),
                _ => Pick(random, Texts, pool),
            };
            if (plain && text.Length > maxLength)
            {
                // Cut as a text box would: never half of a surrogate pair.
                text = text[..(char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength)].TrimEnd();
            }

            return text;
        }

        private DataType Choice(Questionnaire.ItemComponent item)
        {
            var options = item.AnswerOption.Select(o => o.Value).OfType<Coding>().ToList();
            if (options.Count == 0 || (!plain && random.Next(10) == 0))
            {
                // A code the options do not hold: a wrong code, a wrong system, or free text.
                return random.Next(3) switch
                {
                    0 => new Coding(options.FirstOrDefault()?.System ?? $"{Pv}/CodeSystem/pv-respondent", "not-an-option"),
                    1 => new Coding("http://example.org/other", options.FirstOrDefault()?.Code ?? "self"),
                    _ => new FhirString("something else"),
                };
            }

            var coding = (Coding)options[random.Next(options.Count)].DeepCopy();
            switch (random.Next(plain ? 16 : 8))
            {
                case 0:
                    coding.Display = null;
                    break;
                case 1:
                    coding.Display = "Another display";
                    break;
            }

            return coding;
        }
    }
}

/// <summary>One generated submission: the response to <see cref="Questionnaire"/>, and the mutation on top, if any.</summary>
public sealed record GeneratedSubmission(int Index, Questionnaire Questionnaire, QuestionnaireResponse Response, MutationKind? Kind, string? Mutation)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"#{Index} {Questionnaire.Url}|{Questionnaire.Version} {(Mutation is null ? "as generated" : $"{Kind}: {Mutation}")}");
}
