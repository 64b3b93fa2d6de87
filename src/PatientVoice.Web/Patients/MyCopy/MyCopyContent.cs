using Hl7.Fhir.Model;
using PatientVoice.Web.Presentation;

namespace PatientVoice.Web.Patients.MyCopy;

/// <summary>
/// Everything the patient shared, as "My copy" shows it: the one model behind the printable page and its PDF
/// (<see cref="MyCopyPdf"/>), so the two never say different things.
/// </summary>
public sealed record MyCopyContent(
    string? PatientName,
    DateTimeOffset PrintedAt,
    ReaderTimeZone TimeZone,
    IReadOnlyList<Goal> Goals,
    IReadOnlyList<PatientStatement> Preferences,
    IReadOnlyList<PatientStatement> SelfKnowledge,
    IReadOnlyList<SharedAnswers> Submissions);

/// <summary>One submission in "My copy": the questionnaire's title in the page language, when, whether a family member filled it in.</summary>
public sealed record SharedAnswers(string Title, DateTimeOffset When, bool ByFamily, IReadOnlyList<AnsweredQuestion> Answers);
