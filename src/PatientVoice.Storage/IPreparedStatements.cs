using System.Data.Common;

namespace PatientVoice.Storage;

/// <summary>
/// A connection that keeps its statements prepared: the shared statement code (<see cref="Search.Sql.SqlParameterList"/>)
/// asks it for a command by SQL text before making a new one. Disposing a command it hands out returns it for the next
/// use with the statement still prepared, so callers dispose every command the same way, kept or not.
/// </summary>
internal interface IPreparedStatements
{
    /// <summary>A command for <paramref name="sql"/> in <paramref name="transaction"/>, without parameters; null to make a plain one.</summary>
    DbCommand? Prepared(string sql, DbTransaction? transaction);
}
