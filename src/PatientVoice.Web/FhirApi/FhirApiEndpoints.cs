using PatientVoice.Application.Transactions;
using PatientVoice.Web.FhirApi.Bundles;
using PatientVoice.Web.FhirApi.Capabilities;
using PatientVoice.Web.FhirApi.Export;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.FhirApi.History;
using PatientVoice.Web.FhirApi.Operations;
using PatientVoice.Web.FhirApi.Read;
using PatientVoice.Web.FhirApi.Search;
using PatientVoice.Application.Write;
using PatientVoice.Web.FhirApi.Write;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.FhirApi;

/// <summary>The FHIR R4 REST API at <c>/fhir</c>: every interaction, all behind one authorization filter.</summary>
public static class FhirApiEndpoints
{
    public static RouteGroupBuilder MapFhirApi(this IEndpointRouteBuilder endpoints)
    {
        var fhir = endpoints.MapGroup(FhirRequest.BasePath)
            .RequireAuthorization(FhirApiSecurity.Policy)
            .RequireCors(FhirApiCors.Policy)
            .AddEndpointFilter<FhirAccessFilter>()
            .AddEndpointFilter<FormatNegotiationFilter>()
            .WithTags("FHIR R4");

        CapabilityEndpoints.Map(fhir);
        SmartSecurityMetadata.Map(fhir);
        BundleEndpoints.Map(fhir);
        ValidateOperation.Map(fhir);
        ExtractOperation.Map(fhir);
        PopulateOperation.Map(fhir);
        InviteOperation.Map(fhir);
        EvaluateMeasureOperation.Map(fhir);
        ExportEndpoints.Map(fhir);
        Subscriptions.SubscriptionOperations.Map(fhir);
        HistoryEndpoints.Map(fhir);
        SearchEndpoints.Map(fhir);
        ReadEndpoints.Map(fhir);
        WriteEndpoints.Map(fhir);

        // Anything else under /fhir: 405 where the path is an interaction's but the method is not, else a FHIR 404.
        fhir.Map("/{**path}", (string? path, HttpRequest request) =>
        {
            var segments = (path ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length is 1 or 2 && Fhir.Conformance.SupportedResourceTypes.IsSupported(segments[0]))
            {
                throw new Fhir.Errors.MethodNotAllowedException($"{request.Method} is not supported on /fhir/{path}; this server does not support PATCH, and uses GET, POST, PUT and DELETE as FHIR defines them.");
            }

            return FhirResult.Of(StatusCodes.Status404NotFound, Errors.OperationOutcomeExceptionHandler.Outcome(
                Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported, $"No FHIR interaction at /fhir/{path}."));
        }).ExcludeFromDescription().WithName("unknown");
        return fhir;
    }
}
