using PatientVoice.Storage.Search.Sql;

namespace PatientVoice.Storage.Postgres;

/// <summary>
/// PostgreSQL's side of the <see cref="SqlDialect"/> seam. The index columns are <c>COLLATE "C"</c> (see
/// <see cref="PostgresSchema"/>), so string ranges and ordering compare code points as SQLite's BINARY does,
/// whatever the database's locale; the shared defaults for prefixes, LIKE escapes and concatenation hold.
/// The planner is left to its statistics: no hint keeps it off the resource-type index. Writers of several
/// instances lock the resource rows they read, so writers of one resource queue instead of overwriting each other.
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    public override string ParameterName(int index) => "@p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override string LockRowsOf(string alias) => $"FOR UPDATE OF {alias}";

    public override string LockRowsSkippingLocked => "FOR UPDATE SKIP LOCKED";
}
