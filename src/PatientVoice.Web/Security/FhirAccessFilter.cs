namespace PatientVoice.Web.Security;

/// <summary>Puts every endpoint of the FHIR route group through <see cref="IFhirAccessPolicy"/>.</summary>
public sealed class FhirAccessFilter(IFhirAccessPolicy policy) : IEndpointFilter
{
    public async System.Threading.Tasks.ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "unknown";
        var values = http.Request.RouteValues;
        await policy.AuthorizeAsync(new FhirAccessRequest(http, interaction, values["type"] as string, values["id"] as string), http.RequestAborted);
        return await next(context);
    }
}
