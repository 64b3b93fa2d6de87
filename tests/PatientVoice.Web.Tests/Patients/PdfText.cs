using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>A PDF read back with PdfPig: its pages, its whole text, and the text of its pages' bodies (without header and footer).</summary>
internal sealed partial class PdfText
{
    // The header sits in the top 80 pt of an A4 page and the footer in the bottom 80 pt (MyCopyPdf's layout).
    private const double Band = 80;

    private PdfText(IReadOnlyList<string> pages, IReadOnlyList<string> bodies, string all)
    {
        Pages = pages;
        Bodies = bodies;
        All = all;
    }

    /// <summary>Each page's words, joined by single spaces.</summary>
    public IReadOnlyList<string> Pages { get; }

    /// <summary>Each page's words outside the header and footer, joined by single spaces.</summary>
    public IReadOnlyList<string> Bodies { get; }

    /// <summary>All the bodies, one after the other: text that runs over a page break reads on.</summary>
    public string Body => string.Join(' ', Bodies);

    /// <summary>All words of all pages.</summary>
    public string All { get; }

    public static PdfText Read(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var pages = new List<string>();
        var bodies = new List<string>();
        foreach (var page in document.GetPages())
        {
            var words = page.GetWords().ToList();
            pages.Add(Join(words));
            bodies.Add(Join(words.Where(w => w.BoundingBox.Bottom > Band && w.BoundingBox.Top < page.Height - Band)));
        }

        return new PdfText(pages, bodies, string.Join(' ', pages));
    }

    /// <summary>Text as it reads in the PDF: runs of white space made one space.</summary>
    public static string Words(string text) => Spaces().Replace(text, " ").Trim();

    private static string Join(IEnumerable<Word> words) => string.Join(' ', words.Select(w => w.Text));

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
