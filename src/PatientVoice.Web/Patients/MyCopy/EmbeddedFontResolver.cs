using PdfSharp.Fonts;

namespace PatientVoice.Web.Patients.MyCopy;

/// <summary>
/// PDFsharp's fonts, from this assembly: Liberation Sans (SIL OFL 1.1, Fonts/OFL.txt), regular and bold, whatever
/// family is asked for. PDFsharp on Linux finds no system fonts by itself, and /usr/share/fonts is not on every
/// machine, so the PDF never depends on what is installed. The fonts are embedded in each PDF as a subset.
/// </summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    /// <summary>The family name the PDF asks for (any name resolves to the same faces).</summary>
    public const string Family = "Liberation Sans";

    private const string Regular = "LiberationSans-Regular";
    private const string Bold = "LiberationSans-Bold";
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, byte[]> Faces = [];

    /// <summary>Makes PDFsharp use these fonts, once per process (its font settings are global).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is EmbeddedFontResolver || GlobalFontSettings.FallbackFontResolver is EmbeddedFontResolver)
            {
                return;
            }

            if (GlobalFontSettings.FontResolver is null)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFontResolver();
            }
            else
            {
                GlobalFontSettings.FallbackFontResolver = new EmbeddedFontResolver();
            }
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic)
        => new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[] GetFont(string faceName)
    {
        lock (Gate)
        {
            if (!Faces.TryGetValue(faceName, out var bytes))
            {
                var name = $"PatientVoice.Web.Patients.MyCopy.Fonts.{faceName}.ttf";
                using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream(name)
                    ?? throw new InvalidOperationException($"The font {name} is not embedded in PatientVoice.Web.");
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                Faces[faceName] = bytes = copy.ToArray();
            }

            return bytes;
        }
    }
}
