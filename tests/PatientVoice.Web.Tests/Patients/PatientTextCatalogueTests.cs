using System.Text.RegularExpressions;
using System.Xml.Linq;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// The patient pages' words (Resources/*/*.resx): a phrase missing in Spanish would silently show English to a
/// Spanish-speaking patient, and a placeholder lost in translation would drop a date or a name from the sentence.
/// </summary>
public sealed partial class PatientTextCatalogueTests
{
    public static TheoryData<string> Catalogues()
    {
        var data = new TheoryData<string>();
        foreach (var english in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src", "PatientVoice.Web", "Resources"), "*.resx", SearchOption.AllDirectories)
                     .Where(f => !Path.GetFileNameWithoutExtension(f).Contains('.', StringComparison.Ordinal)))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Root, english));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Catalogues))]
    public void Every_phrase_has_a_spanish_text_with_the_same_placeholders(string catalogue)
    {
        var english = Read(Path.Combine(RepositoryPaths.Root, catalogue));
        var spanish = Read(Path.ChangeExtension(Path.Combine(RepositoryPaths.Root, catalogue), ".es.resx"));

        Assert.NotEmpty(english);
        Assert.Empty(english.Keys.Except(spanish.Keys));
        Assert.Empty(spanish.Keys.Except(english.Keys));
        Assert.All(english, phrase =>
        {
            Assert.False(string.IsNullOrWhiteSpace(spanish[phrase.Key]), $"{phrase.Key} is empty in Spanish");
            Assert.Equal(Placeholders(phrase.Value), Placeholders(spanish[phrase.Key]));
        });
    }

    private static Dictionary<string, string> Read(string path)
        => XDocument.Load(path).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    private static string[] Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();
}
