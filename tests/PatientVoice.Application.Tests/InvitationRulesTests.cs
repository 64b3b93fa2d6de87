using PatientVoice.Application.Invitations;

namespace PatientVoice.Application.Tests;

/// <summary>The one-time link's rules that need no store (docs/adr/0029): the token, what is stored of it, expiry.</summary>
public sealed class InvitationRulesTests
{
    [Fact]
    public void A_token_is_24_base64url_characters_of_144_random_bits_and_never_repeats()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => InvitationToken.New()).ToList();

        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{24}$", t));
        Assert.All(tokens, t => Assert.True(InvitationToken.IsWellFormed(t)));
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.True(InvitationToken.Bytes * 8 >= 128);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("' OR 1=1--AAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAA/AAAAAAAAAAA")]
    public void Only_a_well_formed_token_is_looked_up(string? token) => Assert.False(InvitationToken.IsWellFormed(token));

    [Fact]
    public void What_is_stored_is_a_hash_that_does_not_contain_the_token_and_a_birth_date_check_keyed_by_it()
    {
        var token = InvitationToken.New();
        var hash = InvitationToken.Hash(token);

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.DoesNotContain(token, hash, StringComparison.Ordinal);
        Assert.Equal(hash, InvitationToken.Hash(token));
        Assert.NotEqual(hash, InvitationToken.Hash(InvitationToken.New()));

        var birth = new DateOnly(1961, 3, 27);
        var check = InvitationToken.BirthDateCheck(token, birth);
        Assert.DoesNotContain("1961", check, StringComparison.Ordinal);
        Assert.NotEqual(check, InvitationToken.BirthDateCheck(InvitationToken.New(), birth));
        Assert.NotEqual(check, InvitationToken.BirthDateCheck(token, birth.AddDays(1)));
    }

    [Fact]
    public void A_link_lives_through_the_visit_day_in_every_us_time_zone_and_no_longer()
    {
        var visit = new DateOnly(2026, 12, 10);
        var expires = Invitations.Invitations.ExpiryOf(visit);

        Assert.Equal(new DateTimeOffset(2026, 12, 11, 12, 0, 0, TimeSpan.Zero), expires);
        // 23:59 on the visit day in Hawaii (UTC-10) is still inside.
        Assert.True(new DateTimeOffset(2026, 12, 10, 23, 59, 0, TimeSpan.FromHours(-10)) < expires);
    }

    [Theory]
    [InlineData(InvitationState.Open, -1, InvitationState.Open, true)]
    [InlineData(InvitationState.Opened, -1, InvitationState.Opened, true)]
    [InlineData(InvitationState.Open, 1, InvitationState.Expired, false)]
    [InlineData(InvitationState.Opened, 1, InvitationState.Expired, false)]
    [InlineData(InvitationState.Submitted, -1, InvitationState.Submitted, false)]
    [InlineData(InvitationState.Revoked, -1, InvitationState.Revoked, false)]
    [InlineData(InvitationState.Submitted, 1, InvitationState.Submitted, false)]
    public void Only_an_open_or_opened_link_before_its_end_lets_anyone_in(InvitationState stored, int hoursAfterEnd, InvitationState expected, bool usable)
    {
        var end = new DateTimeOffset(2026, 12, 11, 12, 0, 0, TimeSpan.Zero);
        var invitation = new Invitation
        {
            Id = "t1",
            Version = 1,
            PatientReference = "Patient/p1",
            Questionnaire = Invitations.Invitations.DefaultQuestionnaire,
            VisitDate = new DateOnly(2026, 12, 10),
            Clinic = "North clinic",
            Language = "es",
            Check = InvitationCheck.None,
            Expires = end,
            StoredState = stored,
        };
        var now = end.AddHours(hoursAfterEnd);

        Assert.Equal(expected, invitation.StateAt(now));
        Assert.Equal(usable, invitation.IsUsableAt(now));
    }
}
