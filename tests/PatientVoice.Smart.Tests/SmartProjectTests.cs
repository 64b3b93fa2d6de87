namespace PatientVoice.Smart.Tests;

public sealed class SmartProjectTests
{
    [Fact]
    public void The_smart_library_depends_on_nothing_of_ours()
    {
        var references = typeof(SmartAssembly).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "");
        Assert.DoesNotContain(references, name => name.StartsWith("PatientVoice.", StringComparison.Ordinal));
    }
}
