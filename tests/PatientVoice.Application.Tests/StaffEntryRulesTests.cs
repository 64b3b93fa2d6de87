using Hl7.Fhir.Model;
using PatientVoice.Application.Clinicians.Summary;
using PatientVoice.Application.Submit;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Tests;

/// <summary>
/// Staff answering with the patient (docs/adr/0030): what a staff-typed response must say, and how the clinician's
/// summary names who helped. The rules every door shares, without a store.
/// </summary>
public sealed class StaffEntryRulesTests
{
    [Theory]
    [InlineData("Practitioner/ma-rivera", true)]
    [InlineData("PractitionerRole/ma-rivera-front-desk", true)]
    [InlineData("Patient/ana-torres", false)]
    [InlineData("RelatedPerson/lucia-garcia", false)]
    [InlineData(null, false)]
    public void A_response_is_typed_by_staff_when_its_author_is_a_practitioner_or_practitioner_role(string? author, bool typedByStaff)
        => Assert.Equal(typedByStaff, StaffEntry.IsTypedByStaff(new QuestionnaireResponse { Author = author is null ? null : new ResourceReference(author) }));

    [Theory]
    [InlineData("Patient/ana-torres")]
    [InlineData(null)]
    public void Staff_may_type_the_patients_own_words(string? source)
        => StaffEntry.Check(Typed(source));

    [Theory]
    [InlineData("Patient/someone-else")]
    [InlineData("RelatedPerson/lucia-garcia")]
    [InlineData("Practitioner/ma-rivera")]
    public void Staff_may_not_record_anyone_but_the_patient_as_the_source(string source)
    {
        var refused = Assert.Throws<UnprocessableEntityException>(() => StaffEntry.Check(Typed(source)));

        Assert.Equal(422, refused.StatusCode);
        Assert.Contains(refused.ToOperationOutcome().Issue, i => i.Expression.Contains("QuestionnaireResponse.source"));
    }

    [Fact]
    public void A_family_members_response_is_not_a_staff_one_and_keeps_its_own_source()
        => StaffEntry.Check(new QuestionnaireResponse
        {
            Subject = new ResourceReference("Patient/maria-garcia"),
            Author = new ResourceReference("RelatedPerson/lucia-garcia"),
            Source = new ResourceReference("RelatedPerson/lucia-garcia"),
        });

    [Theory]
    [InlineData(WrittenBy.PatientHelpedByStaff, null, null, "Answered with help from staff")]
    [InlineData(WrittenBy.PatientHelpedByStaff, "Alex Rivera", null, "Answered with help from Alex Rivera")]
    [InlineData(WrittenBy.PatientHelpedByStaff, null, "Alex Rivera", "Answered with help from Alex Rivera")]
    [InlineData(WrittenBy.FamilyMember, null, null, "Written by a family member for the patient")]
    [InlineData(WrittenBy.Patient, "Alex Rivera", null, "Written by the patient")]
    public void The_clinician_reads_who_helped_by_name_when_the_ehr_or_the_record_gives_one(WrittenBy by, string? nameFromEhr, string? display, string badge)
        => Assert.Equal(badge, new Authorship(by, "Patient/ana-torres", null) { HelpedBy = "Practitioner/ma-rivera", HelpedByDisplay = display }.BadgeWith(nameFromEhr));

    [Fact]
    public void The_summary_lists_each_staff_member_who_helped_once()
    {
        var helped = new Authorship(WrittenBy.PatientHelpedByStaff, "Patient/ana-torres", null) { HelpedBy = "Practitioner/ma-rivera" };
        var alone = new Authorship(WrittenBy.Patient, "Patient/ana-torres", null);
        var summary = new ClinicianSummary
        {
            Patient = "Patient/ana-torres",
            Visit = new VisitWords { Hopes = [new PatientWords("Walk again", helped)], Worries = [new PatientWords("Falling", helped)] },
            CarePreferences = [new LabelledWords("c", "Label", "Text", alone, ChangeKind.None, null)],
        };

        Assert.Equal(["Practitioner/ma-rivera"], summary.Helpers);
    }

    private static QuestionnaireResponse Typed(string? source) => new()
    {
        Subject = new ResourceReference("Patient/ana-torres"),
        Author = new ResourceReference("Practitioner/ma-rivera"),
        Source = source is null ? null : new ResourceReference(source),
    };
}
