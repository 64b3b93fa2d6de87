using PatientVoice.Web.FhirApi.Bundles;
using PatientVoice.Web.FhirApi.Capabilities;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.FhirApi.History;
using PatientVoice.Web.FhirApi.Operations;
using PatientVoice.Web.FhirApi.Read;
using PatientVoice.Web.FhirApi.Search;
using PatientVoice.Web.FhirApi.Write;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.FhirApi;

/// <summary>The FHIR R4 REST API at <c>/fhir</c>: every interaction, all behind one authorization filter.</summary>
public static class FhirApiEndpoints
{
    public static RouteGroupBuilder MapFhirApi(this IEndpointRouteBuilder endpoints)
    {
        var fhir = endpoints.MapGroup(FhirRequest.BasePath)
            .AddEndpointFilter<FhirAccessFilter>()
            .AddEndpointFilter<FormatNegotiationFilter>()
            .WithTags("FHIR R4");

        CapabilityEndpoints.Map(fhir);
        BundleEndpoints.Map(fhir);
        ValidateOperation.Map(fhir);
        ExtractOperation.Map(fhir);
        HistoryEndpoints.Map(fhir);
        SearchEndpoints.Map(fhir);
        ReadEndpoints.Map(fhir);
        WriteEndpoints.Map(fhir);

        // Anything else under /fhir: a FHIR 404, not an empty page.
        fhir.Map("/{**path}", (string? path) => FhirResult.Of(StatusCodes.Status404NotFound, Errors.OperationOutcomeExceptionHandler.Outcome(
            Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported, $"No FHIR interaction at /fhir/{path}."))).ExcludeFromDescription().WithName("unknown");
        return fhir;
    }
}
