using Hl7.Fhir.Specification.Source;

namespace PatientVoice.Fhir.Conformance;

/// <summary>
/// One resolver over our package and the R4 core specification, read from the package compiled at build time
/// (profiles-compiled.zip: our profiles with their snapshots, the core conformance resources), cached for the process.
/// Nothing is generated at run time; a compiled package that was built from other profiles/ files than the ones
/// loaded is refused, so the rules validated are always the ones shipped.
/// </summary>
public static class ConformanceResolver
{
    public static CachedResolver Create(ConformancePackage package, string compiledPackagePath)
    {
        var compiled = CompiledPackageResolver.Open(compiledPackagePath);
        var expected = CompiledPackageFormat.Hash(CompiledPackageFormat.SourceFiles(package.Directory));
        if (!string.Equals(compiled.SourceHash, expected, StringComparison.Ordinal))
        {
            compiled.Dispose();
            throw new InvalidOperationException(
                $"The compiled FHIR package '{compiledPackagePath}' was built from other profiles than those in '{package.Directory}'. Rebuild PatientVoice.Fhir (its build compiles profiles/ into it).");
        }

        return new CachedResolver(compiled);
    }
}
