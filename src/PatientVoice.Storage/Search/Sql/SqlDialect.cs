namespace PatientVoice.Storage.Search.Sql;

/// <summary>
/// What differs between the SQL of our adapters. The query model and <see cref="SearchSqlBuilder"/> are
/// shared; SQLite and (later) PostgreSQL supply a dialect.
/// </summary>
internal abstract class SqlDialect
{
    public abstract string ParameterName(int index);

    /// <summary>The exclusive upper bound of all strings starting with <paramref name="prefix"/> (for index range scans).</summary>
    public virtual string PrefixUpperBound(string prefix) => prefix + "\uffff";

    public virtual string LikeEscapeClause => @"ESCAPE '\'";

    public virtual string Concat(string left, string right) => $"{left} || {right}";

    /// <summary>
    /// A column reference the planner must not use an index for: when a selective index criterion exists,
    /// it (not the resource type) should drive the query.
    /// </summary>
    public virtual string Unindexed(string column) => column;

    /// <summary>
    /// The clause that ends a SELECT to lock the rows of table <paramref name="alias"/> it reads until the transaction
    /// ends. None by default: SQLite's one writer at a time (BEGIN IMMEDIATE) already keeps other writers out.
    /// </summary>
    public virtual string LockRowsOf(string alias) => "";

    /// <summary>
    /// The clause that ends a SELECT to lock the rows it reads and pass over those another transaction holds (an
    /// outbox claim). None by default: SQLite claims inside its one writer turn, where no other claim holds rows.
    /// </summary>
    public virtual string LockRowsSkippingLocked => "";

    /// <summary>
    /// A row bound written into the statement, not bound as a parameter. SQLite's planner looks at the value bound to a
    /// <c>LIMIT</c>, so it re-parses such a statement every time its parameters are bound again (SQLite 3.53,
    /// <c>SQLITE_STMTSTATUS_REPREPARE</c>), which undoes the writer's kept statements (<c>SqliteStatementCache</c>): the
    /// subscription look-up of every Goal write and the conditional searches of every submission were parsed anew inside
    /// the writer's turn. A count is a number we computed, never text from a request; the few distinct bounds each
    /// keep a statement of their own.
    /// </summary>
    public static string Limit(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        return "LIMIT " + rows.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override string ParameterName(int index) => "@p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // SQLite's documented way to keep a term from using an index: a unary plus.
    public override string Unindexed(string column) => "+" + column;
}

/// <summary>The parameters of one statement, named by the dialect.</summary>
internal sealed class SqlParameterList(SqlDialect dialect)
{
    private readonly List<KeyValuePair<string, object?>> _items = [];

    public IReadOnlyList<KeyValuePair<string, object?>> Items => _items;

    public string Add(object? value)
    {
        var name = dialect.ParameterName(_items.Count);
        _items.Add(new(name, value));
        return name;
    }

    /// <summary>A command on <paramref name="connection"/> with these parameters bound (null as DBNull).</summary>
    public System.Data.Common.DbCommand CreateCommand(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, string sql)
    {
        // A long-lived connection may keep this statement prepared (SQLite's writer); else a new command, parsed anew.
        var command = (connection as IPreparedStatements)?.Prepared(sql, transaction);
        if (command is null)
        {
            command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
        }

        foreach (var (name, value) in _items)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
