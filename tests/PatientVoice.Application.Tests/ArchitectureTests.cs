using System.Reflection;
using System.Text.RegularExpressions;

namespace PatientVoice.Application.Tests;

/// <summary>The shape DESIGN.md and docs/architecture.md promise, checked on the assemblies and the source itself.</summary>
public sealed partial class ArchitectureTests
{
    [Fact]
    public void The_application_core_references_no_asp_net_core_assembly()
    {
        var application = typeof(ApplicationServiceCollectionExtensions).Assembly;

        var references = application.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain("PatientVoice.Web", references);
        Assert.Contains("PatientVoice.Storage", references);
    }

    [Theory]
    [InlineData("PatientVoice.Fhir", new string[0])]
    [InlineData("PatientVoice.Smart", new string[0])]
    [InlineData("PatientVoice.Storage", new[] { "PatientVoice.Fhir" })]
    [InlineData("PatientVoice.Application", new[] { "PatientVoice.Fhir", "PatientVoice.Smart", "PatientVoice.Storage" })]
    [InlineData("PatientVoice.Web", new[] { "PatientVoice.Application", "PatientVoice.Fhir", "PatientVoice.Smart", "PatientVoice.Storage" })]
    public void Project_references_point_one_way(string project, string[] allowed)
    {
        var csproj = File.ReadAllText(Path.Combine(SourceRoot, project, project + ".csproj"));

        var referenced = ProjectReference().Matches(csproj).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(allowed.Order(StringComparer.Ordinal), referenced);
    }

    // DESIGN.md: no cycles between folders inside a project either.
    [Theory]
    [InlineData("PatientVoice.Fhir")]
    [InlineData("PatientVoice.Smart")]
    [InlineData("PatientVoice.Storage")]
    [InlineData("PatientVoice.Application")]
    [InlineData("PatientVoice.Web")]
    public void No_folder_of_a_project_takes_part_in_a_dependency_cycle(string project)
    {
        // Folder = the namespace below the project's; an edge is a using of another folder of the same project, or a
        // name qualified with it anywhere in the code (PatientVoice.Web.Security.X).
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SourceRoot, project), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            if (Namespace().Match(text) is not { Success: true } declared || FolderOf(project, declared.Groups[1].Value) is not { } from)
            {
                continue;
            }

            foreach (Match used in Using().Matches(text).Concat(Qualified().Matches(text.Replace(declared.Value, string.Empty, StringComparison.Ordinal))))
            {
                if (FolderOf(project, used.Groups[1].Value) is { } to && to != from)
                {
                    (edges.TryGetValue(from, out var set) ? set : edges[from] = new HashSet<string>(StringComparer.Ordinal)).Add(to);
                }
            }
        }

        var cycles = edges.SelectMany(e => e.Value.Where(to => Reaches(edges, to, e.Key)).Select(to => $"{e.Key} -> {to}")).Order(StringComparer.Ordinal).ToList();

        Assert.Empty(cycles);
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> edges, string from, string target)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([from]);
        while (stack.TryPop(out var at))
        {
            if (at == target)
            {
                return true;
            }

            if (seen.Add(at) && edges.TryGetValue(at, out var next))
            {
                foreach (var n in next)
                {
                    stack.Push(n);
                }
            }
        }

        return false;
    }

    private static string? FolderOf(string project, string ns)
        => ns.StartsWith(project + ".", StringComparison.Ordinal) ? ns[(project.Length + 1)..].Split('.')[0] : null;

    private static string SourceRoot { get; } = FindSource();

    private static string FindSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PatientVoice.sln")))
            {
                return Path.Combine(dir.FullName, "src");
            }
        }

        throw new DirectoryNotFoundException("PatientVoice.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"<ProjectReference Include=""[^""]*[\\/](PatientVoice\.[A-Za-z]+)\.csproj""")]
    private static partial Regex ProjectReference();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^using (?:static )?(?:\w+ = )?([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Using();

    [GeneratedRegex(@"\b(PatientVoice\.[A-Z]\w*\.[A-Z]\w*)\b")]
    private static partial Regex Qualified();
}
