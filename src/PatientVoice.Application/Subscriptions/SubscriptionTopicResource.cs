using Hl7.Fhir.Model;

namespace PatientVoice.Application.Subscriptions;

/// <summary>
/// A topic as R4 can hold it (Subscriptions R4 Backport): a Basic coded <c>fhir-types|SubscriptionTopic</c> carrying the
/// R5 SubscriptionTopic elements as cross-version extensions (url, title, status, description, resourceTrigger,
/// canFilterBy), readable at <c>Basic/{id}</c> and searchable with <c>Basic?code=SubscriptionTopic</c>.
/// </summary>
public static class SubscriptionTopicResource
{
    public const string ExtensionBase = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.";
    public const string FhirTypes = "http://hl7.org/fhir/fhir-types";

    public static Basic ToBasic(SubscriptionTopic topic)
    {
        var basic = new Basic
        {
            Id = topic.Id,
            Code = new CodeableConcept(FhirTypes, "SubscriptionTopic", "SubscriptionTopic"),
            Text = new Narrative
            {
                Status = Narrative.NarrativeStatus.Generated,
                Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p><b>{System.Net.WebUtility.HtmlEncode(topic.Title)}</b></p><p>{System.Net.WebUtility.HtmlEncode(topic.Description)}</p></div>",
            },
        };
        basic.Extension.Add(new Extension(ExtensionBase + "url", new FhirUri(topic.Url)));
        basic.Extension.Add(new Extension(ExtensionBase + "version", new FhirString("1.0.0")));
        basic.Extension.Add(new Extension(ExtensionBase + "title", new FhirString(topic.Title)));
        basic.Extension.Add(new Extension(ExtensionBase + "status", new Code("active")));
        basic.Extension.Add(new Extension(ExtensionBase + "description", new Markdown(topic.Description)));
        var trigger = new Extension { Url = ExtensionBase + "resourceTrigger" };
        trigger.Extension.Add(new Extension("description", new Markdown(topic.TriggerDescription)));
        trigger.Extension.Add(new Extension("resource", new FhirUri($"http://hl7.org/fhir/StructureDefinition/{topic.ResourceType}")));
        trigger.Extension.Add(new Extension("supportedInteraction", new Code("create")));
        trigger.Extension.Add(new Extension("supportedInteraction", new Code("update")));
        basic.Extension.Add(trigger);
        foreach (var filter in topic.CanFilterBy)
        {
            var canFilterBy = new Extension { Url = ExtensionBase + "canFilterBy" };
            canFilterBy.Extension.Add(new Extension("description", new Markdown(filter.Description)));
            canFilterBy.Extension.Add(new Extension("resource", new FhirUri(topic.ResourceType)));
            canFilterBy.Extension.Add(new Extension("filterParameter", new FhirString(filter.Parameter)));
            basic.Extension.Add(canFilterBy);
        }

        return basic;
    }
}
