using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>Turns an extraction into the transaction Bundle SDC $extract returns and a submission stores.</summary>
internal static class ExtractionTransaction
{
    public static Bundle Create(ExtractionResult result, QuestionnaireResponse? response)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        if (response is not null)
        {
            var stored = (QuestionnaireResponse)response.DeepCopy();
            stored.Text = (Narrative)result.ResponseText.DeepCopy();
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = ExtractedIdentifiers.FullUrlFor($"{result.ResponseId}/$response"),
                Resource = stored,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"QuestionnaireResponse/{result.ResponseId}" },
            });
        }

        foreach (var extracted in result.Resources)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = extracted.FullUrl,
                Resource = extracted.Resource,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = extracted.RequestUrl },
            });
        }

        if (result.Provenance is null)
        {
            return bundle;
        }

        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = result.ProvenanceFullUrl,
            Resource = result.Provenance,
            Request = new Bundle.RequestComponent
            {
                Method = Bundle.HTTPVerb.POST,
                Url = "Provenance",
                IfNoneExist = result.ResponseVersionId is { } version
                    ? $"entity=QuestionnaireResponse/{Uri.EscapeDataString(result.ResponseId)}/_history/{Uri.EscapeDataString(version)}"
                    : null,
            },
        });
        return bundle;
    }
}
