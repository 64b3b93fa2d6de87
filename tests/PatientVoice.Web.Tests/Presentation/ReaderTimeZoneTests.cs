using PatientVoice.Web.Presentation;

namespace PatientVoice.Web.Tests.Presentation;

/// <summary>The zone a browser names for a file the server writes: an IANA name this machine knows, or UTC.</summary>
public sealed class ReaderTimeZoneTests
{
    [Theory]
    [InlineData("America/Chicago", -6)]
    [InlineData("America/Mexico_City", -6)]
    [InlineData("Europe/Madrid", 1)]
    [InlineData("Etc/GMT+5", -5)]
    public void An_iana_zone_the_browser_names_is_used(string ianaId, int winterOffsetHours)
    {
        var zone = ReaderTimeZone.From(ianaId);

        Assert.Equal(ianaId, zone.Name);
        Assert.Equal(TimeSpan.FromHours(winterOffsetHours), zone.Local(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero)).Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    [InlineData("/usr/share/zoneinfo/America/Chicago")]
    [InlineData("America/Chicago\u0000")]
    [InlineData("Central Standard Time")]
    [InlineData("America/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Anything_else_is_utc_and_says_so(string? named)
    {
        var zone = ReaderTimeZone.From(named);

        Assert.Same(ReaderTimeZone.Utc, zone);
        Assert.Equal("UTC", zone.Name);
        Assert.Equal(TimeSpan.Zero, zone.Local(DateTimeOffset.Parse("2026-07-01T10:00:00-05:00", System.Globalization.CultureInfo.InvariantCulture)).Offset);
    }
}
