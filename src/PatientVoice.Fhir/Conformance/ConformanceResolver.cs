using Hl7.Fhir.Specification.Source;

namespace PatientVoice.Fhir.Conformance;

/// <summary>
/// One resolver over our package and the R4 core specification: our resources first, then specification.zip;
/// snapshots generated on demand (our profiles are differentials) and everything cached for the process.
/// </summary>
public static class ConformanceResolver
{
    public static CachedResolver Create(ConformancePackage package, string specificationZipPath)
    {
        if (!File.Exists(specificationZipPath))
        {
            throw new FileNotFoundException(
                $"The R4 core specification is not at '{specificationZipPath}'. Reference Hl7.Fhir.Specification.Data.R4 or set ConformanceOptions.SpecificationZipPath.",
                specificationZipPath);
        }

        var ours = new InMemoryResourceResolver(package.Resources);
        var core = new ZipSource(specificationZipPath);
        var combined = new MultiResolver(ours, core);
        return new CachedResolver(new SerializedResolver(new SnapshotSource(combined)));
    }
}
