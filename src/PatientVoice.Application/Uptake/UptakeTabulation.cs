using System.Globalization;

namespace PatientVoice.Application.Uptake;

/// <summary>
/// Counts events into the report's tables and applies <see cref="SmallCellSuppression"/> to every count of a measure
/// at once (its total, its week totals and every breakdown share one set of constraints). Pure: no store, no clock.
/// </summary>
public static class UptakeTabulation
{
    /// <summary>The Monday (UTC) of the week holding <paramref name="date"/>.</summary>
    public static DateOnly WeekOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    public static UptakeReport Tabulate(DateOnly start, DateOnly end, IReadOnlyList<UptakeEvent> events, DemographicsLookup demographics)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(demographics);
        var weeks = new List<DateOnly>();
        for (var week = start; week < end; week = week.AddDays(7))
        {
            weeks.Add(week);
        }

        var sections = Enum.GetValues<UptakeMeasure>()
            .Select(measure => Section(measure, weeks, events.Where(e => e.Measure == measure).ToList(), demographics))
            .ToList();
        return new UptakeReport(start, end, weeks, demographics.Available, sections);
    }

    /// <summary>The category of <paramref name="e"/> in <paramref name="breakdown"/>.</summary>
    public static string CategoryOf(UptakeEvent e, UptakeBreakdown breakdown, DemographicsLookup demographics)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(demographics);
        return breakdown switch
        {
            UptakeBreakdown.Language => e.Language,
            UptakeBreakdown.Respondent => e.Respondent ?? UptakeCategories.Self,
            UptakeBreakdown.Channel => e.Channel ?? UptakeCategories.Portal,
            UptakeBreakdown.Race => demographics.For(e.Patient).Race,
            UptakeBreakdown.Ethnicity => demographics.For(e.Patient).Ethnicity,
            _ => throw new ArgumentOutOfRangeException(nameof(breakdown)),
        };
    }

    private static UptakeSection Section(UptakeMeasure measure, List<DateOnly> weeks, List<UptakeEvent> events, DemographicsLookup demographics)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var constraints = new List<IReadOnlyList<string>>();
        const string total = "total";
        string Week(int w) => "w" + w.ToString(CultureInfo.InvariantCulture);

        var weekIndex = events.Select(e => weeks.IndexOf(WeekOf(DateOnly.FromDateTime(e.When.UtcDateTime)))).ToList();
        counts[total] = weekIndex.Count(i => i >= 0);
        for (var w = 0; w < weeks.Count; w++)
        {
            counts[Week(w)] = weekIndex.Count(i => i == w);
        }

        constraints.Add([total, .. Enumerable.Range(0, weeks.Count).Select(Week)]);
        var breakdowns = UptakeCategories.Of(measure);
        foreach (var breakdown in breakdowns)
        {
            var categories = UptakeCategories.Of(breakdown);
            string Category(string c) => $"{breakdown}|{c}";
            string Cell(int w, string c) => $"{breakdown}|{Week(w)}|{c}";
            var of = events.Select(e => CategoryOf(e, breakdown, demographics)).ToList();
            foreach (var category in categories)
            {
                counts[Category(category)] = of.Where((c, i) => c == category && weekIndex[i] >= 0).Count();
                for (var w = 0; w < weeks.Count; w++)
                {
                    counts[Cell(w, category)] = of.Where((c, i) => c == category && weekIndex[i] == w).Count();
                }

                constraints.Add([Category(category), .. Enumerable.Range(0, weeks.Count).Select(w => Cell(w, category))]);
            }

            constraints.Add([total, .. categories.Select(Category)]);
            for (var w = 0; w < weeks.Count; w++)
            {
                var week = w;
                constraints.Add([Week(w), .. categories.Select(c => Cell(week, c))]);
            }
        }

        var hidden = SmallCellSuppression.Hidden(counts, constraints);
        UptakeCount Count(string key) => new(hidden.Contains(key) ? null : counts[key]);

        var tables = breakdowns.Select(breakdown =>
        {
            var categories = UptakeCategories.Of(breakdown);
            return new UptakeTable(
                breakdown,
                categories,
                Enumerable.Range(0, weeks.Count).Select(w => (IReadOnlyList<UptakeCount>)categories.Select(c => Count($"{breakdown}|{Week(w)}|{c}")).ToList()).ToList(),
                categories.Select(c => Count($"{breakdown}|{c}")).ToList());
        }).ToList();
        return new UptakeSection(measure, Count(total), Enumerable.Range(0, weeks.Count).Select(w => Count(Week(w))).ToList(), tables);
    }
}
