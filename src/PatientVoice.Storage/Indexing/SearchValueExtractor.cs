using System.Globalization;
using Hl7.Fhir.Model;

namespace PatientVoice.Storage.Indexing;

/// <summary>Turns one FHIRPath result element into index rows of the parameter's type.</summary>
internal static class SearchValueExtractor
{
    public static void Add(SearchParameterDefinition parameter, Base? value, List<SearchIndexEntry> entries)
    {
        if (value is null)
        {
            return;
        }

        switch (parameter.Type)
        {
            case SearchParamType.String: AddString(parameter.Name, value, entries); break;
            case SearchParamType.Token: AddToken(parameter.Name, value, entries); break;
            case SearchParamType.Date: AddDate(parameter.Name, value, entries); break;
            case SearchParamType.Reference: AddReference(parameter, value, entries); break;
            case SearchParamType.Uri: AddUri(parameter.Name, value, entries); break;
            case SearchParamType.Number: AddNumber(parameter.Name, value, entries); break;
            case SearchParamType.Quantity: AddQuantity(parameter.Name, value, entries); break;
            default: break;
        }
    }

    private static void AddString(string name, Base value, List<SearchIndexEntry> entries)
    {
        void One(string? s)
        {
            if (!string.IsNullOrWhiteSpace(s))
            {
                entries.Add(new StringIndexEntry(name, SearchText.Normalize(s), s));
            }
        }

        switch (value)
        {
            case HumanName n:
                One(n.Text); One(n.Family);
                foreach (var g in n.Given) { One(g); }
                foreach (var p in n.Prefix) { One(p); }
                foreach (var s in n.Suffix) { One(s); }
                break;
            case Address a:
                One(a.Text); One(a.City); One(a.District); One(a.State); One(a.PostalCode); One(a.Country);
                foreach (var l in a.Line) { One(l); }
                break;
            case CodeableConcept c: One(c.Text); break;
            case Coding c: One(c.Display); break;
            case Annotation an: One(an.Text); break;
            case PrimitiveType p: One(p.ToString()); break;
            default: break;
        }
    }

    private static void AddToken(string name, Base value, List<SearchIndexEntry> entries)
    {
        switch (value)
        {
            case Coding c:
                AddCoding(name, c, entries);
                break;
            case CodeableConcept cc:
                foreach (var c in cc.Coding)
                {
                    AddCoding(name, c, entries);
                }

                if (!string.IsNullOrWhiteSpace(cc.Text))
                {
                    entries.Add(new TokenIndexEntry(name, null, null, SearchText.Normalize(cc.Text)));
                }

                break;
            case Identifier i when i.Value is not null:
                entries.Add(new TokenIndexEntry(name, i.System, i.Value, Text(i.Type?.Text)));
                break;
            case ContactPoint cp when cp.Value is not null:
                entries.Add(new TokenIndexEntry(name, cp.System?.ToString().ToLowerInvariant(), cp.Value, null));
                break;
            case FhirBoolean b when b.Value is not null:
                entries.Add(new TokenIndexEntry(name, null, b.Value.Value ? "true" : "false", null));
                break;
            case PrimitiveType p when p.ToString() is { Length: > 0 } s:
                entries.Add(new TokenIndexEntry(name, null, s, null));
                break;
            default:
                break;
        }
    }

    private static void AddCoding(string name, Coding c, List<SearchIndexEntry> entries)
    {
        if (c.Code is not null || c.System is not null || c.Display is not null)
        {
            entries.Add(new TokenIndexEntry(name, c.System, c.Code, Text(c.Display)));
        }
    }

    private static string? Text(string? s) => string.IsNullOrWhiteSpace(s) ? null : SearchText.Normalize(s);

    private static void AddDate(string name, Base value, List<SearchIndexEntry> entries)
    {
        void One(FhirDateRange r) => entries.Add(new DateIndexEntry(name, r.StartMs, r.EndMs));

        switch (value)
        {
            case Instant { Value: not null } i: One(FhirDateRange.Exact(i.Value.Value)); break;
            case Date { Value: not null } d: One(FhirDateRange.Parse(d.Value)); break;
            case FhirDateTime { Value: not null } dt: One(FhirDateRange.Parse(dt.Value)); break;
            case Period p when p.Start is not null || p.End is not null:
                var start = p.Start is null ? FhirDateRange.MinMs : FhirDateRange.Parse(p.Start).StartMs;
                var end = p.End is null ? FhirDateRange.MaxMs : FhirDateRange.Parse(p.End).EndMs;
                entries.Add(new DateIndexEntry(name, start, end));
                break;
            case Timing t:
                foreach (var e in t.EventElement)
                {
                    if (e.Value is not null)
                    {
                        One(FhirDateRange.Parse(e.Value));
                    }
                }

                if (t.Repeat?.Bounds is Period bounds)
                {
                    AddDate(name, bounds, entries);
                }

                break;
            default: break;
        }
    }

    private static void AddReference(SearchParameterDefinition parameter, Base value, List<SearchIndexEntry> entries)
    {
        string? reference;
        switch (value)
        {
            case ResourceReference r:
                if (r.Identifier?.Value is not null && IsOfRequiredType(parameter, r))
                {
                    // Serves the :identifier modifier through the token table.
                    entries.Add(new TokenIndexEntry(parameter.Name + ":identifier", r.Identifier.System, r.Identifier.Value, null));
                }

                reference = r.Reference;
                break;
            case Canonical c: reference = c.Value; break;
            case FhirUri u: reference = u.Value; break;
            case FhirString s: reference = s.Value; break;
            default: return;
        }

        var parts = ReferenceParts.Parse(reference);
        if (parts is null)
        {
            return;
        }

        if (parameter.RequiredTargetType is not null && parts.TargetType != parameter.RequiredTargetType)
        {
            return;
        }

        entries.Add(new ReferenceIndexEntry(parameter.Name, parts.TargetType, parts.TargetId, parts.Version, parts.Url));
    }

    /// <summary>
    /// Whether a reference passes its parameter's <c>where(resolve() is T)</c>: with no such filter always; else only when
    /// the reference says its target is a T, by its literal reference or else by <c>Reference.type</c>. A reference by
    /// identifier alone that does not say its type cannot be resolved, so it is not a T (an AuditEvent's client application
    /// named by identifier is not the <c>patient</c> of the event).
    /// </summary>
    private static bool IsOfRequiredType(SearchParameterDefinition parameter, ResourceReference reference)
    {
        if (parameter.RequiredTargetType is not { } required)
        {
            return true;
        }

        var type = ReferenceParts.Parse(reference.Reference)?.TargetType ?? TypeName(reference.Type);
        return type == required;
    }

    // Reference.type is a type name ("Patient") or, absolute, the type's StructureDefinition URL.
    private static string? TypeName(string? type)
    {
        const string core = "http://hl7.org/fhir/StructureDefinition/";
        return type is not null && type.StartsWith(core, StringComparison.Ordinal) ? type[core.Length..] : type;
    }

    private static void AddUri(string name, Base value, List<SearchIndexEntry> entries)
    {
        if (value is PrimitiveType p && p.ToString() is { Length: > 0 } s)
        {
            entries.Add(new UriIndexEntry(name, s));
        }
    }

    private static void AddNumber(string name, Base value, List<SearchIndexEntry> entries)
    {
        switch (value)
        {
            case FhirDecimal { Value: not null } d: entries.Add(new NumberIndexEntry(name, d.Value.Value)); break;
            case Integer { Value: not null } i: entries.Add(new NumberIndexEntry(name, i.Value.Value)); break;
            case PositiveInt { Value: not null } i: entries.Add(new NumberIndexEntry(name, i.Value.Value)); break;
            case UnsignedInt { Value: not null } i: entries.Add(new NumberIndexEntry(name, i.Value.Value)); break;
            case PrimitiveType p when decimal.TryParse(p.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v):
                entries.Add(new NumberIndexEntry(name, v));
                break;
            default: break;
        }
    }

    private static void AddQuantity(string name, Base value, List<SearchIndexEntry> entries)
    {
        switch (value)
        {
            case Quantity { Value: not null } q:
                entries.Add(new QuantityIndexEntry(name, q.Value.Value, q.System, q.Code, q.Unit));
                break;
            case Money { Value: not null } m:
                entries.Add(new QuantityIndexEntry(name, m.Value.Value, "urn:iso:std:iso:4217", m.Currency?.ToString(), null));
                break;
            default: break;
        }
    }
}
