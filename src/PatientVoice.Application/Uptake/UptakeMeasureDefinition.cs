using System.Globalization;
using Hl7.Fhir.Model;

namespace PatientVoice.Application.Uptake;

/// <summary>
/// The uptake report in FHIR (docs/adr/0031): the <c>Measure</c> <c>patientvoice-uptake</c> (a cohort measure with a group
/// per counted thing — invited, opened, submitted — and its stratifiers) and the summary <c>MeasureReport</c> that
/// <c>$evaluate-measure</c> answers. Stratifier <c>week</c> gives the week totals, <c>language</c>, <c>respondent</c>,
/// <c>channel</c>, <c>race</c>, <c>ethnicity</c> the totals over the period, and <c>week-language</c> … the cells (components
/// week and category). A hidden count has no value, only the data-absent-reason extension <c>masked</c>.
/// </summary>
public static class UptakeMeasureDefinition
{
    public const string Id = "patientvoice-uptake";
    public const string Url = "http://patientvoice.example.org/fhir/Measure/" + Id;
    public const string CodeSystem = "http://patientvoice.example.org/fhir/CodeSystem/pv-uptake";
    public const string DataAbsentReason = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
    public const string Week = "week";

    /// <summary>Extension (boolean) on the MeasureReport: race and ethnicity could not be read from the EHR (all "not recorded").</summary>
    public const string DemographicsNotAvailable = "http://patientvoice.example.org/fhir/StructureDefinition/uptake-demographics-not-available";

    private const string PopulationSystem = "http://terminology.hl7.org/CodeSystem/measure-population";
    private const string InitialPopulation = "initial-population";

    public static string Code(UptakeMeasure measure) => measure.ToString().ToLowerInvariant();

    public static string Code(UptakeBreakdown breakdown) => breakdown.ToString().ToLowerInvariant();

    public static Measure Measure()
    {
        var measure = new Measure
        {
            Id = Id,
            Url = Url,
            Version = "1",
            Name = "PatientVoiceUptake",
            Title = "Who is being reached: PatientVoice uptake per week",
            Status = PublicationStatus.Active,
            Experimental = false,
            Publisher = "PatientVoice",
            Description = new Markdown(
                "Per week (Monday to Sunday, UTC): one-time links created (invited), opened (first time) and responses submitted (first submission, "
                + "any door), broken down by preferred language (en, es, other), by who answered (self, family member, staff), by channel (link, "
                + "portal or API, staff) and by the US Core race and ethnicity (OMB categories) the EHR records. Counts from 1 to 10 are hidden "
                + "(data-absent-reason masked), and further counts are hidden so that none can be recovered by subtraction."),
            Scoring = new CodeableConcept("http://terminology.hl7.org/CodeSystem/measure-scoring", "cohort"),
        };
        foreach (var counted in Enum.GetValues<UptakeMeasure>())
        {
            var group = new Measure.GroupComponent
            {
                Code = new CodeableConcept(CodeSystem, Code(counted)),
                Population = [new Measure.PopulationComponent { Code = new CodeableConcept(PopulationSystem, InitialPopulation), Description = Describe(counted), Criteria = new Expression { Language = "text/plain", Expression_ = Describe(counted) } }],
            };
            group.Stratifier.Add(new Measure.StratifierComponent { Code = new CodeableConcept(CodeSystem, Week), Description = "The week (its Monday, UTC)" });
            foreach (var breakdown in UptakeCategories.Of(counted))
            {
                group.Stratifier.Add(new Measure.StratifierComponent { Code = new CodeableConcept(CodeSystem, Code(breakdown)), Description = $"By {Code(breakdown)}, over the period" });
                group.Stratifier.Add(new Measure.StratifierComponent
                {
                    Code = new CodeableConcept(CodeSystem, Week + "-" + Code(breakdown)),
                    Description = $"By week and {Code(breakdown)}",
                    Component =
                    [
                        new Measure.ComponentComponent { Code = new CodeableConcept(CodeSystem, Week) },
                        new Measure.ComponentComponent { Code = new CodeableConcept(CodeSystem, Code(breakdown)) },
                    ],
                });
            }

            measure.Group.Add(group);
        }

        return measure;
    }

    public static MeasureReport Report(UptakeReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var measureReport = new MeasureReport
        {
            Status = MeasureReport.MeasureReportStatus.Complete,
            Type = MeasureReport.MeasureReportType.Summary,
            Measure = Url + "|1",
            DateElement = new FhirDateTime(now),
            Period = new Period(new FhirDateTime(Date(report.Start)), new FhirDateTime(Date(report.End.AddDays(-1)))),
        };
        if (!report.DemographicsAvailable)
        {
            measureReport.Extension.Add(new Extension(DemographicsNotAvailable, new FhirBoolean(true)));
        }

        foreach (var section in report.Sections)
        {
            var group = new MeasureReport.GroupComponent
            {
                Code = new CodeableConcept(CodeSystem, Code(section.Measure)),
                Population = [new MeasureReport.PopulationComponent { Code = Population(), CountElement = Count(section.Total) }],
            };
            group.Stratifier.Add(new MeasureReport.StratifierComponent
            {
                Code = [new CodeableConcept(CodeSystem, Week)],
                Stratum = report.Weeks.Select((week, w) => Stratum(new CodeableConcept { Text = Date(week) }, [], section.WeekTotals[w])).ToList(),
            });
            foreach (var table in section.Tables)
            {
                group.Stratifier.Add(new MeasureReport.StratifierComponent
                {
                    Code = [new CodeableConcept(CodeSystem, Code(table.Breakdown))],
                    Stratum = table.Categories.Select((category, c) => Stratum(Category(table.Breakdown, category), [], table.CategoryTotals[c])).ToList(),
                });
                var cells = new List<MeasureReport.StratifierGroupComponent>();
                for (var w = 0; w < report.Weeks.Count; w++)
                {
                    for (var c = 0; c < table.Categories.Count; c++)
                    {
                        cells.Add(Stratum(null,
                        [
                            new MeasureReport.ComponentComponent { Code = new CodeableConcept(CodeSystem, Week), Value = new CodeableConcept { Text = Date(report.Weeks[w]) } },
                            new MeasureReport.ComponentComponent { Code = new CodeableConcept(CodeSystem, Code(table.Breakdown)), Value = Category(table.Breakdown, table.Categories[c]) },
                        ], table.Cells[w][c]));
                    }
                }

                group.Stratifier.Add(new MeasureReport.StratifierComponent { Code = [new CodeableConcept(CodeSystem, Week + "-" + Code(table.Breakdown))], Stratum = cells });
            }

            measureReport.Group.Add(group);
        }

        return measureReport;
    }

    /// <summary>A category as a concept: languages as BCP 47, race and ethnicity in the CDC code system, the rest ours.</summary>
    public static CodeableConcept Category(UptakeBreakdown breakdown, string category) => (breakdown, category) switch
    {
        (UptakeBreakdown.Language, UptakeCategories.English or UptakeCategories.Spanish) => new CodeableConcept("urn:ietf:bcp:47", category),
        (UptakeBreakdown.Race or UptakeBreakdown.Ethnicity, not (UptakeCategories.MultipleRaces or UptakeCategories.NotRecorded)) => new CodeableConcept(UptakeCategories.CdcRaceEthnicitySystem, category),
        _ => new CodeableConcept(CodeSystem, category),
    };

    private static MeasureReport.StratifierGroupComponent Stratum(CodeableConcept? value, List<MeasureReport.ComponentComponent> components, UptakeCount count) => new()
    {
        Value = value,
        Component = components,
        Population = [new MeasureReport.StratifierGroupPopulationComponent { Code = Population(), CountElement = Count(count) }],
    };

    private static CodeableConcept Population() => new(PopulationSystem, InitialPopulation);

    private static Integer Count(UptakeCount count)
    {
        var element = new Integer(count.Value);
        if (count.Hidden)
        {
            element.Extension.Add(new Extension(DataAbsentReason, new Code("masked")));
        }

        return element;
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Describe(UptakeMeasure measure) => measure switch
    {
        UptakeMeasure.Invited => "One-time links created in the week (invitation Tasks, by authoredOn)",
        UptakeMeasure.Opened => "One-time links opened for the first time in the week (invitation Task executionPeriod.start)",
        _ => "QuestionnaireResponses first submitted in the week (the earliest submission Provenance.recorded), through a link, a portal launch, the API or staff",
    };
}
