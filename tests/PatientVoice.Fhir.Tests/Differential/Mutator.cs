using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>Applies one <see cref="MutationKind"/> to a copy of a seed, at a site chosen by a seeded random.</summary>
public static class Mutator
{
    private const string Pv = "http://patientvoice.example.org/fhir";

    /// <summary>Mutates <paramref name="resource"/> in place; returns what was done, or null when the kind has no site in it.</summary>
    public static string? Apply(Resource resource, MutationKind kind, Random random)
    {
        var sites = ResourceSite.Collect(resource);
        return kind switch
        {
            MutationKind.Valid => Benign(resource, sites, random),
            MutationKind.RemoveElement => AtRandom(sites, random, s => true, s => { s.Replace(null); return $"removed {s.Path}"; }),
            MutationKind.DuplicateElement => AtRandom(sites, random, s => s.List is not null && s.Value is not Resource, s =>
            {
                s.List!.Insert(s.Index + 1, s.Value.DeepCopy());
                return $"repeated {s.Path}";
            }),
            MutationKind.EmptyElement => AtRandom(sites, random, s => s.Value is not Resource && s.Value.GetType().GetConstructor(Type.EmptyTypes) is not null, s =>
            {
                s.Replace((Base)Activator.CreateInstance(s.Value.GetType())!);
                return $"emptied {s.Path}";
            }),
            MutationKind.BadPrimitiveFormat => AtRandom(sites, random, s => BadFormat(s.Value) is not null, s =>
            {
                var (apply, what) = BadFormat(s.Value)!.Value;
                apply();
                return $"{s.Path} = {what}";
            }),
            MutationKind.WrongType => AtRandom(sites, random, s => s.List is null && s.IsChoice, s =>
            {
                var others = ChoiceAlternatives().Where(a => a.GetType() != s.Value.GetType()).ToList();
                var replacement = others[random.Next(others.Count)];
                s.Replace(replacement);
                return $"{s.Path} as {replacement.TypeName}";
            }),
            MutationKind.UnknownElement => AtRandom(sites, random, s => s.Value is not PrimitiveType and not Resource, s =>
            {
                s.Value.SetValue("patientVoiceUnknown", new FhirString("not defined here"));
                return $"{s.Path}.patientVoiceUnknown added";
            }) ?? Unknown(resource),
            MutationKind.BadCode => AtRandom(sites, random, s => IsCode(s.Value) || s.Value is Coding { Code: not null }, s => BadCode(s, random)),
            MutationKind.BadReference => AtRandom(sites, random, s => s.Value is ResourceReference, s =>
            {
                var bad = BadReferences[random.Next(BadReferences.Length)];
                ((ResourceReference)s.Value).Reference = bad;
                return $"{s.Path}.reference = {bad}";
            }),
            MutationKind.BrokenSlice => AtRandom(sites, random, IsSlicedCoding, s => BreakSlice((Coding)s.Value, s.Path, random)),
            MutationKind.ConstraintBreak => BreakConstraint(resource, sites, random),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static string? AtRandom(List<ResourceSite> sites, Random random, Func<ResourceSite, bool> applies, Func<ResourceSite, string> mutate)
    {
        var candidates = sites.Where(applies).ToList();
        return candidates.Count == 0 ? null : mutate(candidates[random.Next(candidates.Count)]);
    }

    private static string Unknown(Resource resource)
    {
        resource.SetValue("patientVoiceUnknown", new FhirString("not defined here"));
        return $"{resource.TypeName}.patientVoiceUnknown added";
    }

    private static string Benign(Resource resource, List<ResourceSite> sites, Random random)
    {
        var n = random.Next(1_000_000);
        switch (random.Next(5))
        {
            case 0:
                return "unchanged";
            case 1:
                resource.Id = $"gen-{n}";
                return $"id = gen-{n}";
            case 2:
                var text = sites.Where(s => s.Value.GetType() == typeof(FhirString) && ((FhirString)s.Value).Value is { Length: > 0 } && !s.Path.Contains("linkId", StringComparison.Ordinal)).ToList();
                if (text.Count == 0)
                {
                    goto case 1;
                }

                var site = text[random.Next(text.Count)];
                ((FhirString)site.Value).Value = $"in my own words, number {n}";
                return $"{site.Path} reworded";
            case 3:
                var dates = sites.Where(s => s.Value is FhirDateTime { Value.Length: >= 4 } && s.Value.GetType() == typeof(FhirDateTime)).ToList();
                if (dates.Count == 0)
                {
                    goto case 1;
                }

                var date = dates[random.Next(dates.Count)];
                ((FhirDateTime)date.Value).Value = $"20{10 + random.Next(16)}-0{1 + random.Next(9)}-1{random.Next(10)}";
                return $"{date.Path} moved";
            default:
                if (resource is DomainResource && resource.GetType().GetProperty("Identifier") is { } identifiers && identifiers.PropertyType == typeof(List<Identifier>))
                {
                    ((List<Identifier>)identifiers.GetValue(resource)!).Add(new Identifier(Pv + "/sid/generated", $"gen-{n}"));
                    return "identifier added";
                }

                goto case 1;
        }
    }

    private static bool IsCode(Base value) =>
        value is PrimitiveType && (value.GetType() == typeof(Code) || (value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(Code<>)));

    private static string BadCode(ResourceSite site, Random random)
    {
        if (site.Value is PrimitiveType code)
        {
            code.JsonValue = "zz-not-a-code";
            return $"{site.Path} = zz-not-a-code";
        }

        var coding = (Coding)site.Value;
        switch (random.Next(3))
        {
            case 0:
                coding.Code = "zz-not-a-code";
                return $"{site.Path}.code = zz-not-a-code";
            case 1:
                coding.Display = "Not what this code means";
                return $"{site.Path}.display changed";
            default:
                coding.Code = coding.Code + "-x";
                return $"{site.Path}.code = {coding.Code}";
        }
    }

    private static readonly string[] BadReferences =
    [
        "Practitioner/dr-other",
        "Device/d-1",
        "Patient/someone-else",
        "#not-contained",
        "QuestionnaireResponse/qr-other",
        "Goal/g-1",
        "urn:uuid:not-a-uuid",
        "http://example.org/fhir/Organization/o-1",
        "not a reference",
    ];

    private static bool IsSlicedCoding(ResourceSite site) =>
        site.Value is Coding && (site.Path.Contains(".category", StringComparison.Ordinal)
            || site.Path.EndsWith(".code.coding[0]", StringComparison.Ordinal) || site.Path.Contains(".code.coding[", StringComparison.Ordinal)
            || site.Path.Contains(".type.coding[", StringComparison.Ordinal) || site.Path.Contains(".type", StringComparison.Ordinal));

    private static string BreakSlice(Coding coding, string path, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                coding.System = "http://example.org/not-the-system";
                return $"{path}.system changed";
            case 1:
                coding.System = null;
                return $"{path}.system removed";
            case 2:
                coding.Code = "zz-other";
                return $"{path}.code changed";
            default:
                coding.System = "http://loinc.org";
                coding.Code = "8867-4";
                coding.Display = "Heart rate";
                return $"{path} replaced by another LOINC code";
        }
    }

    private static (Action Apply, string What)? BadFormat(Base value)
    {
        if (value is not PrimitiveType primitive)
        {
            return null;
        }

        string? text = value switch
        {
            _ when IsCode(value) => " leading-space",
            Id => "not an id!",
            FhirString or Markdown => string.Empty,
            Canonical or FhirUrl or FhirUri => "has a space",
            Uuid => "urn:uuid:zz",
            Oid => "urn:oid:abc",
            FhirDateTime => "2024-13-45T99:00",
            Date => "2024-13-01",
            Time => "25:61:00",
            XHtml => "<p>not a div</p>",
            _ => null,
        };
        if (text is not null)
        {
            return (() => primitive.JsonValue = text, $"'{text}'");
        }

        return value switch
        {
            PositiveInt p => (() => p.Value = 0, "0 (positiveInt)"),
            UnsignedInt u => (() => u.Value = -1, "-1 (unsignedInt)"),
            _ => null,
        };
    }

    private static Base[] ChoiceAlternatives() =>
    [
        new FhirString("free text"),
        new CodeableConcept("http://snomed.info/sct", "22298006", "Myocardial infarction"),
        new Quantity(12, "kg"),
        new FhirBoolean(true),
        new FhirDateTime("2026-01-02"),
        new Period { Start = "2026-01-01" },
        new Integer(3),
        new ResourceReference("Patient/p-1"),
        new Coding("http://loinc.org", "8867-4"),
        new Attachment { ContentType = "text/plain", Data = [0x61] },
    ];

    private static string? BreakConstraint(Resource resource, List<ResourceSite> sites, Random random)
    {
        var options = new List<Func<string?>>();
        if (resource is DomainResource domain)
        {
            options.Add(() =>
            {
                domain.Contained.Add(new Basic { Id = "orphan", Code = new CodeableConcept(Pv + "/CodeSystem/x", "x") });
                return "dom-3: a contained resource nothing refers to";
            });
            options.Add(() =>
            {
                var inner = new Basic { Id = "inner", Code = new CodeableConcept(Pv + "/CodeSystem/x", "x") };
                inner.Contained.Add(new Basic { Id = "nested", Code = new CodeableConcept(Pv + "/CodeSystem/x", "y") });
                domain.Contained.Add(inner);
                domain.Extension.Add(new Extension("http://example.org/StructureDefinition/points-at", new ResourceReference("#inner")));
                return "dom-2: a contained resource with contained resources";
            });
            options.Add(() =>
            {
                domain.Contained.Add(new Basic { Id = "versioned", Meta = new Meta { VersionId = "2", LastUpdated = DateTimeOffset.UnixEpoch }, Code = new CodeableConcept(Pv + "/CodeSystem/x", "x") });
                domain.Extension.Add(new Extension("http://example.org/StructureDefinition/points-at", new ResourceReference("#versioned")));
                return "dom-4: a contained resource with meta.versionId";
            });
            options.Add(() =>
            {
                domain.Contained.Add(new Basic { Id = "labelled", Meta = new Meta { Security = [new Coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R")] }, Code = new CodeableConcept(Pv + "/CodeSystem/x", "x") });
                domain.Extension.Add(new Extension("http://example.org/StructureDefinition/points-at", new ResourceReference("#labelled")));
                return "dom-5: a contained resource with meta.security";
            });
            options.Add(() =>
            {
                domain.Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></div>" };
                return "txt-1: narrative with a script";
            });
            options.Add(() =>
            {
                domain.Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"></div>" };
                return "txt-2: narrative without content";
            });
        }

        foreach (var site in sites)
        {
            switch (site.Value)
            {
                case Extension { Value: not null } extension:
                    options.Add(() =>
                    {
                        extension.Extension.Add(new Extension("nested", new FhirString("both")));
                        return $"ext-1: {site.Path} has a value and extensions";
                    });
                    break;
                case Period period:
                    options.Add(() =>
                    {
                        period.Start = "2026-12-31";
                        period.End = "2026-01-01";
                        return $"per-1: {site.Path} ends before it starts";
                    });
                    break;
                case Quantity quantity:
                    options.Add(() =>
                    {
                        quantity.System = null;
                        quantity.Code = "kg";
                        return $"qty-3: {site.Path} has a code without a system";
                    });
                    break;
            }
        }

        // Our profiles' own constraints (pv-goal-1, pv-qr-1, pv-prov-1, pv-prov-2, pv-note-1).
        switch (resource)
        {
            case Goal goal:
                options.Add(() =>
                {
                    goal.ExpressedBy = new ResourceReference("Patient/someone-else");
                    return "pv-goal-1: expressed by another patient";
                });
                break;
            case QuestionnaireResponse response when response.Questionnaire is { } canonical:
                options.Add(() =>
                {
                    response.Questionnaire = canonical.Split('|')[0];
                    return "pv-qr-1: questionnaire without its version";
                });
                break;
            case Provenance provenance:
                options.Add(() =>
                {
                    foreach (var agent in provenance.Agent)
                    {
                        agent.Who = new ResourceReference("Practitioner/dr-1");
                    }

                    return "pv-prov-1: every agent a practitioner";
                });
                options.Add(() =>
                {
                    foreach (var entity in provenance.Entity)
                    {
                        entity.What = new ResourceReference("Goal/g-1");
                    }

                    return "pv-prov-2: the source is not a response";
                });
                break;
            case DocumentReference document:
                options.Add(() =>
                {
                    foreach (var content in document.Content.Where(c => c.Attachment is not null))
                    {
                        content.Attachment.Data = null;
                        content.Attachment.Url = null;
                    }

                    return "pv-note-1: an attachment with neither data nor url";
                });
                break;
        }

        return options.Count == 0 ? null : options[random.Next(options.Count)]();
    }
}
