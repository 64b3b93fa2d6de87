using PatientVoice.Web.Patients.MyCopy;
using PdfSharp.Drawing;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>What the "My copy" PDF writes for a patient's text, with the font it ships (Liberation Sans).</summary>
public sealed class PrintableTextTests
{
    private static readonly XFont Font = CreateFont();

    [Theory]
    [InlineData("¿Qué tal? ¡Bien! á é í ó ú ñ ü Á É Í Ó Ú Ñ Ü", "¿Qué tal? ¡Bien! á é í ó ú ñ ü Á É Í Ó Ú Ñ Ü")]
    [InlineData("“Sí”, dijo ‘mamá’ — ya… 5 €", "“Sí”, dijo ‘mamá’ — ya… 5 €")]
    [InlineData("Jose\u0301 Mun\u0303oz pingu\u0308ino Franc\u0327ois", "José Muñoz pingüino François")]
    [InlineData("Привет, Ελλάδα", "Привет, Ελλάδα")]
    [InlineData("Me duele 😀😀 mucho", "Me duele □ mucho")]
    [InlineData("👨‍👩‍👧 family, 👍🏽 ok, ❤️ love", "□ family, □ ok, □ love")]
    [InlineData("中文 y عربى", "□ y □")]
    [InlineData("lone \uD800 surrogate", "lone □ surrogate")]
    [InlineData("bell\u0007 zero\u200Bwidth soft\u00ADhyphen", "bell zerowidth softhyphen")]
    [InlineData("tab\there, em\u2003space, no\u00A0break", "tab here, em space, no\u00A0break")]
    [InlineData("one\r\ntwo\rthree\u2028four", "one\ntwo\nthree\nfour")]
    [InlineData("", "")]
    public void A_patients_text_is_kept_where_the_font_can_show_it_and_marked_where_it_cannot(string text, string printed)
        => Assert.Equal(printed, PrintableText.For(text, Font));

    [Fact]
    public void A_missing_text_prints_as_nothing() => Assert.Equal("", PrintableText.For(null, Font));

    private static XFont CreateFont()
    {
        EmbeddedFontResolver.Register();
        return new XFont(EmbeddedFontResolver.Family, 11);
    }
}
