using System.Globalization;
using System.Text;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace PatientVoice.Web.Patients.MyCopy;

/// <summary>
/// Lays text out from top to bottom over as many A4 pages as it needs: wraps at spaces (breaking a word longer
/// than the line), starts a new page when one is full, keeps a heading with what follows it, and finally lets the
/// caller draw each page's header and footer once the page count is known ("page 2 of 5").
/// </summary>
internal sealed class PdfTextFlow(PdfDocument document) : IDisposable
{
    public const double Margin = 56;
    private const double HeaderSpace = 40;
    private const double FooterSpace = 36;
    private const double Leading = 1.25;

    private XGraphics? _graphics;
    private double _y;

    private static double Width => PageSize.Width - (2 * Margin);

    private static XSize PageSize { get; } = new(595.28, 841.89);

    private double Bottom => PageSize.Height - Margin - FooterSpace;

    /// <summary>Writes <paramref name="text"/> (already printable: <see cref="PrintableText"/>) as a paragraph.</summary>
    public void Paragraph(string text, XFont font, double indent = 0, double spaceBefore = 0, XBrush? brush = null, double keepWithNext = 0)
    {
        var graphics = Graphics();
        var lineHeight = font.GetHeight() * Leading;
        Space(spaceBefore);
        var lines = Wrap(text, font, Width - indent, graphics);
        if (_y + (lineHeight * Math.Min(lines.Count, 2)) + keepWithNext > Bottom && _y > Top)
        {
            NewPage();
        }

        foreach (var line in lines)
        {
            if (_y + lineHeight > Bottom)
            {
                NewPage();
            }

            Graphics().DrawString(line, font, brush ?? XBrushes.Black, new XPoint(Margin + indent, _y), XStringFormats.TopLeft);
            _y += lineHeight;
        }
    }

    /// <summary>Vertical space, dropped at the top of a page.</summary>
    public void Space(double points)
    {
        if (_graphics is not null && _y > Top)
        {
            _y = Math.Min(_y + points, Bottom);
        }
    }

    /// <summary>A thin rule across the text width.</summary>
    public void Rule(double spaceAround = 6)
    {
        Space(spaceAround);
        Graphics().DrawLine(new XPen(XColors.Gray, 0.5), Margin, _y, Margin + Width, _y);
        _y += spaceAround;
    }

    /// <summary>Ends the layout: <paramref name="decorate"/> draws on each page (number, count, graphics, page size) over what is there.</summary>
    public void Finish(Action<XGraphics, int, int, XSize> decorate)
    {
        _graphics?.Dispose();
        _graphics = null;
        var count = document.PageCount;
        for (var i = 0; i < count; i++)
        {
            using var graphics = XGraphics.FromPdfPage(document.Pages[i], XGraphicsPdfPageOptions.Append);
            decorate(graphics, i + 1, count, PageSize);
        }
    }

    public void Dispose() => _graphics?.Dispose();

    private static double Top => Margin + HeaderSpace;

    private XGraphics Graphics()
    {
        if (_graphics is null)
        {
            NewPage();
        }

        return _graphics!;
    }

    private void NewPage()
    {
        _graphics?.Dispose();
        var page = document.AddPage();
        page.Width = XUnit.FromPoint(PageSize.Width);
        page.Height = XUnit.FromPoint(PageSize.Height);
        page.Orientation = PageOrientation.Portrait;
        _graphics = XGraphics.FromPdfPage(page);
        _y = Top;
    }

    /// <summary>The lines of <paramref name="text"/> at <paramref name="width"/>: its own line breaks kept, an empty line kept as one.</summary>
    internal static List<string> Wrap(string text, XFont font, double width, XGraphics graphics)
    {
        // Each word is measured once: PDFsharp applies no kerning, so a line is as wide as its words and spaces.
        var space = graphics.MeasureString(" ", font).Width;
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            var line = new StringBuilder();
            var lineWidth = 0.0;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var wordWidth = graphics.MeasureString(word, font).Width;
                if (line.Length > 0 && lineWidth + space + wordWidth <= width)
                {
                    line.Append(' ').Append(word);
                    lineWidth += space + wordWidth;
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }

                var rest = wordWidth <= width ? word : BreakLongWord(word, font, width, graphics, lines);
                line.Append(rest);
                lineWidth = rest.Length == word.Length ? wordWidth : graphics.MeasureString(rest, font).Width;
            }

            lines.Add(line.ToString());
        }

        return lines;
    }

    /// <summary>Adds the full-width pieces of a word wider than the line to <paramref name="lines"/>; returns the rest.</summary>
    private static string BreakLongWord(string word, XFont font, double width, XGraphics graphics, List<string> lines)
    {
        var piece = "";
        var elements = StringInfo.GetTextElementEnumerator(word);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            if (piece.Length > 0 && graphics.MeasureString(piece + element, font).Width > width)
            {
                lines.Add(piece);
                piece = "";
            }

            piece += element;
        }

        return piece;
    }
}
