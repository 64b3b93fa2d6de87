using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Application.Write;

namespace PatientVoice.Application.Validation;

/// <summary>Holds every create and update to <see cref="ResourceValidation"/>: any error is a 422 naming the element.</summary>
public sealed class ProfileWriteValidator(ResourceValidation validation) : IResourceWriteValidator
{
    public bool ChecksConformance => true;

    public async System.Threading.Tasks.ValueTask ValidateAsync(Resource resource, CancellationToken cancellationToken)
    {
        var report = await validation.ValidateAsync(resource, null, cancellationToken);
        if (!report.IsValid)
        {
            // Errors first: they are why the write was refused; warnings follow as context.
            throw new UnprocessableEntityException([.. report.Errors, .. report.Issues.Except(report.Errors)]);
        }
    }
}
