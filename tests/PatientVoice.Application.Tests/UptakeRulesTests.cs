using Hl7.Fhir.Model;
using PatientVoice.Application.Uptake;

namespace PatientVoice.Application.Tests;

/// <summary>
/// The uptake report's rules that need no store (docs/adr/0031): small-cell suppression and its complements, weeks,
/// categories from the EHR's Patient, and hidden counts in the MeasureReport.
/// </summary>
public sealed class UptakeRulesTests
{
    private static readonly DateOnly Monday = new(2026, 11, 30);

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(10, true)]
    [InlineData(11, false)]
    [InlineData(250, false)]
    public void A_count_from_1_to_10_is_small_and_zero_is_not(int count, bool small) => Assert.Equal(small, SmallCellSuppression.IsSmall(count));

    [Fact]
    public void A_line_with_one_small_cell_hides_the_smallest_other_cell_so_the_total_does_not_give_it_away()
    {
        var counts = new Dictionary<string, int> { ["total"] = 18, ["en"] = 15, ["es"] = 3, ["other"] = 0 };

        var hidden = SmallCellSuppression.Hidden(counts, [["total", "en", "es", "other"]]);

        Assert.Equal(["en", "es"], hidden.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_complement_is_a_non_zero_cell_before_a_zero_and_the_smallest_first()
    {
        var counts = new Dictionary<string, int> { ["total"] = 60, ["a"] = 5, ["b"] = 0, ["c"] = 40, ["d"] = 15 };

        var hidden = SmallCellSuppression.Hidden(counts, [["total", "a", "b", "c", "d"]]);

        // 0 would not protect 5 (60 − 40 − 15 − 0 = 5): the next smallest non-zero cell is hidden instead.
        Assert.Equal(["a", "d"], hidden.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Two_small_cells_in_a_line_need_no_complement_and_a_line_without_small_cells_hides_nothing()
    {
        var counts = new Dictionary<string, int> { ["total"] = 30, ["a"] = 4, ["b"] = 6, ["c"] = 20, ["t2"] = 45, ["x"] = 20, ["y"] = 25 };

        var hidden = SmallCellSuppression.Hidden(counts, [["total", "a", "b", "c"], ["t2", "x", "y"]]);

        Assert.Equal(["a", "b"], hidden.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_complement_hidden_in_one_line_is_protected_in_every_line_it_belongs_to()
    {
        // Two weeks × two categories with margins. es in week 1 is small; its complement en in week 1 (20) is then
        // alone hidden in the en column, so a second pair is hidden in week 2.
        var counts = new Dictionary<string, int>
        {
            ["total"] = 73, ["w1"] = 23, ["w2"] = 50, ["en"] = 50, ["es"] = 23,
            ["w1|en"] = 20, ["w1|es"] = 3, ["w2|en"] = 30, ["w2|es"] = 20,
        };
        IReadOnlyList<IReadOnlyList<string>> lines =
        [
            ["total", "w1", "w2"], ["total", "en", "es"],
            ["w1", "w1|en", "w1|es"], ["w2", "w2|en", "w2|es"],
            ["en", "w1|en", "w2|en"], ["es", "w1|es", "w2|es"],
        ];

        var hidden = SmallCellSuppression.Hidden(counts, lines);

        Assert.Contains("w1|es", hidden);
        Assert.All(lines, line => Assert.NotEqual(1, line.Count(hidden.Contains)));
        Assert.Equal(["w1|en", "w1|es", "w2|en", "w2|es"], hidden.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void In_any_table_no_line_is_left_with_exactly_one_hidden_count()
    {
        var random = new Random(18);
        for (var run = 0; run < 300; run++)
        {
            var weeks = random.Next(1, 6);
            var categories = random.Next(2, 6);
            var cells = new int[weeks, categories];
            var counts = new Dictionary<string, int>();
            for (var w = 0; w < weeks; w++)
            {
                for (var c = 0; c < categories; c++)
                {
                    cells[w, c] = random.Next(4) == 0 ? 0 : random.Next(1, 40);
                    counts[$"{w}|{c}"] = cells[w, c];
                }
            }

            var lines = new List<IReadOnlyList<string>>();
            for (var w = 0; w < weeks; w++)
            {
                counts[$"w{w}"] = Enumerable.Range(0, categories).Sum(c => cells[w, c]);
                lines.Add([$"w{w}", .. Enumerable.Range(0, categories).Select(c => $"{w}|{c}")]);
            }

            for (var c = 0; c < categories; c++)
            {
                counts[$"c{c}"] = Enumerable.Range(0, weeks).Sum(w => cells[w, c]);
                lines.Add([$"c{c}", .. Enumerable.Range(0, weeks).Select(w => $"{w}|{c}")]);
            }

            counts["total"] = counts.Where(k => k.Key.StartsWith('w')).Sum(k => k.Value);
            lines.Add(["total", .. Enumerable.Range(0, weeks).Select(w => $"w{w}")]);
            lines.Add(["total", .. Enumerable.Range(0, categories).Select(c => $"c{c}")]);

            var hidden = SmallCellSuppression.Hidden(counts, lines);

            Assert.All(counts.Where(c => SmallCellSuppression.IsSmall(c.Value)), c => Assert.Contains(c.Key, hidden));
            Assert.All(lines, line => Assert.NotEqual(1, line.Count(hidden.Contains)));
        }
    }

    [Fact]
    public void Events_are_counted_in_their_monday_to_sunday_week_and_a_hidden_count_carries_no_number()
    {
        var events = new List<UptakeEvent>();
        // Week of 30 Nov: 12 in English on the Sunday night, 2 in Spanish on the Monday morning; week of 7 Dec: 1.
        events.AddRange(Enumerable.Range(0, 12).Select(_ => new UptakeEvent(UptakeMeasure.Invited, new DateTimeOffset(2026, 12, 6, 23, 59, 0, TimeSpan.Zero), "Patient/a", UptakeCategories.English)));
        events.AddRange(Enumerable.Range(0, 2).Select(_ => new UptakeEvent(UptakeMeasure.Invited, new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), "Patient/b", UptakeCategories.Spanish)));
        events.Add(new UptakeEvent(UptakeMeasure.Invited, new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero), "Patient/a", UptakeCategories.English));

        var report = UptakeTabulation.Tabulate(Monday, Monday.AddDays(14), events, DemographicsLookup.Unavailable);

        Assert.Equal([Monday, Monday.AddDays(7)], report.Weeks);
        var invited = report.Section(UptakeMeasure.Invited);
        Assert.Equal(15, invited.Total.Value);
        // 1 in the second week is hidden; so is the first week's 14, or 15 − 14 would give it away.
        Assert.True(invited.WeekTotals[0].Hidden);
        Assert.True(invited.WeekTotals[1].Hidden);
        Assert.Null(invited.WeekTotals[1].Value);
        Assert.Equal("<11", invited.WeekTotals[1].Text);
        var language = invited.Table(UptakeBreakdown.Language);
        Assert.Equal(["<11", "<11", "0"], language.Cells[0].Select(c => c.Text));
        Assert.Equal(["<11", "0", "0"], language.Cells[1].Select(c => c.Text));
        Assert.Equal(["<11", "<11", "0"], language.CategoryTotals.Select(c => c.Text));
        Assert.All(report.Section(UptakeMeasure.Submitted).Tables.SelectMany(t => t.CategoryTotals), c => Assert.Equal(0, c.Value));
        // The EHR was not read: race is "not recorded" for everyone.
        Assert.Equal(15, invited.Table(UptakeBreakdown.Race).CategoryTotals[^1].Value);
        Assert.False(report.DemographicsAvailable);
    }

    [Fact]
    public void Race_and_ethnicity_are_the_us_core_omb_categories_and_anything_else_is_not_recorded()
    {
        static Patient With(params (string Url, string[] Codes)[] extensions)
        {
            var patient = new Patient();
            foreach (var (url, codes) in extensions)
            {
                var extension = new Extension { Url = url };
                extension.Extension.AddRange(codes.Select(c => new Extension("ombCategory", new Coding(UptakeCategories.CdcRaceEthnicitySystem, c))));
                extension.Extension.Add(new Extension("text", new FhirString("as recorded")));
                patient.Extension.Add(extension);
            }

            return patient;
        }

        Assert.Equal((UptakeCategories.Asian, UptakeCategories.HispanicOrLatino),
            Categories(With((PatientDemographics.UsCoreRace, ["2028-9"]), (PatientDemographics.UsCoreEthnicity, ["2135-2"]))));
        Assert.Equal((UptakeCategories.MultipleRaces, UptakeCategories.NotRecorded), Categories(With((PatientDemographics.UsCoreRace, ["2054-5", "2106-3"]))));
        Assert.Equal((UptakeCategories.NotRecorded, UptakeCategories.NotRecorded), Categories(With((PatientDemographics.UsCoreRace, ["UNK"]), (PatientDemographics.UsCoreEthnicity, ["ASKU"]))));
        Assert.Equal((UptakeCategories.NotRecorded, UptakeCategories.NotRecorded), Categories(new Patient()));

        var spanish = new Patient { Communication = [new Patient.CommunicationComponent { Language = new CodeableConcept("urn:ietf:bcp:47", "es-MX"), Preferred = true }] };
        Assert.Equal(UptakeCategories.Spanish, UptakeCategories.LanguageOf(PatientDemographics.Of(spanish).PreferredLanguage));
        Assert.Equal(UptakeCategories.OtherLanguage, UptakeCategories.LanguageOf(null));
        Assert.Equal(UptakeCategories.OtherLanguage, UptakeCategories.LanguageOf("vi"));
        Assert.Equal(UptakeCategories.English, UptakeCategories.LanguageOf("en-US"));

        static (string, string) Categories(Patient patient) => (PatientDemographics.Of(patient).Race, PatientDemographics.Of(patient).Ethnicity);
    }

    [Fact]
    public void A_hidden_count_in_the_measure_report_has_no_value_only_the_data_absent_reason_masked()
    {
        var events = Enumerable.Range(0, 13).Select(i => new UptakeEvent(UptakeMeasure.Opened, new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), "Patient/p", i == 0 ? UptakeCategories.Spanish : UptakeCategories.English)).ToList();
        var report = UptakeTabulation.Tabulate(Monday, Monday.AddDays(7), events, DemographicsLookup.Unavailable);

        var measureReport = UptakeMeasureDefinition.Report(report, DateTimeOffset.UtcNow);

        var opened = measureReport.Group.Single(g => g.Code!.Coding[0].Code == "opened");
        Assert.Equal(13, opened.Population[0].Count);
        var language = opened.Stratifier.Single(s => s.Code[0].Coding[0].Code == "language");
        foreach (var stratum in language.Stratum.Where(s => s.Value!.Coding[0].Code is "en" or "es"))
        {
            Assert.Null(stratum.Population[0].Count);
            var reason = Assert.IsType<Code>(stratum.Population[0].CountElement.GetExtension(UptakeMeasureDefinition.DataAbsentReason)?.Value);
            Assert.Equal("masked", reason.Value);
        }

        Assert.Equal(0, language.Stratum.Single(s => s.Value!.Coding[0].Code == "other").Population[0].Count);
        Assert.Contains(measureReport.Extension, e => e.Url == UptakeMeasureDefinition.DemographicsNotAvailable);
        Assert.Equal("2026-11-30", measureReport.Period.Start);
        Assert.Equal("2026-12-06", measureReport.Period.End);
    }
}
