namespace PatientVoice.Web.FhirApi.Formats;

/// <summary>
/// Refuses, before any work is done, a request whose response cannot be given as asked: an unknown
/// <c>_format</c> or Accept (406) or a malformed <c>_summary</c> (400). Nothing is written for a request
/// that would then fail to answer.
/// </summary>
public sealed class FormatNegotiationFilter : IEndpointFilter
{
    public System.Threading.Tasks.ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<OwnMediaTypes>() is not null)
        {
            return next(context);
        }

        FhirMediaTypes.ResponseFormat(context.HttpContext.Request);
        ResourceView.FromQuery(context.HttpContext.Request.Query);
        return next(context);
    }
}

/// <summary>Marks an endpoint that answers in a media type of its own (Bulk Data ndjson files), not FHIR JSON or XML.</summary>
public sealed class OwnMediaTypes;
