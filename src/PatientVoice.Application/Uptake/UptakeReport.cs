using System.Globalization;

namespace PatientVoice.Application.Uptake;

/// <summary>
/// One published count: the number, or null when it is hidden by <see cref="SmallCellSuppression"/>. A hidden count's
/// value never leaves the use case, so no door can show it by mistake.
/// </summary>
public sealed record UptakeCount(int? Value)
{
    public bool Hidden => Value is null;

    /// <summary>The count as the pages print it: the number, or "&lt;11".</summary>
    public string Text => Value?.ToString(CultureInfo.InvariantCulture) ?? SmallCellSuppression.Shown;
}

/// <summary>One breakdown of a measure: a row per week, a column per category, with the margins.</summary>
public sealed record UptakeTable(
    UptakeBreakdown Breakdown,
    IReadOnlyList<string> Categories,
    IReadOnlyList<IReadOnlyList<UptakeCount>> Cells,
    IReadOnlyList<UptakeCount> CategoryTotals);

/// <summary>One measure (invited, opened, submitted): its total over the period, per week, and its breakdowns.</summary>
public sealed record UptakeSection(
    UptakeMeasure Measure,
    UptakeCount Total,
    IReadOnlyList<UptakeCount> WeekTotals,
    IReadOnlyList<UptakeTable> Tables)
{
    public UptakeTable Table(UptakeBreakdown breakdown) => Tables.Single(t => t.Breakdown == breakdown);
}

/// <summary>
/// Who is being reached (docs/adr/0031): per week (Monday to Sunday, UTC) from <see cref="Start"/> to
/// <see cref="End"/> (exclusive), each measure broken down, small counts hidden.
/// </summary>
public sealed record UptakeReport(
    DateOnly Start,
    DateOnly End,
    IReadOnlyList<DateOnly> Weeks,
    bool DemographicsAvailable,
    IReadOnlyList<UptakeSection> Sections)
{
    public UptakeSection Section(UptakeMeasure measure) => Sections.Single(s => s.Measure == measure);
}
