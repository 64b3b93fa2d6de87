namespace PatientVoice.Web.FhirApi.Capabilities;

/// <summary><c>GET /fhir/metadata</c>: the CapabilityStatement, built once from what the server really supports.</summary>
public static class CapabilityEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
        => fhir.MapGet("/metadata", (HttpRequest request, CapabilityStatementBuilder builder) => FhirResult.Of(StatusCodes.Status200OK, builder.Build(FhirRequest.BaseUrl(request))))
            .WithName("capabilities").WithSummary("The CapabilityStatement of this server")
            .AllowAnonymous();
}
