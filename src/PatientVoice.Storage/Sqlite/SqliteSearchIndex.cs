using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage.Sqlite;

// STUB (to be replaced by the search work): the index tables and how rows are written to them.
/// <summary>The SQLite search-index tables, written in the same transaction as the resource version.</summary>
internal static class SqliteSearchIndex
{
    /// <summary>DDL for the index tables (idempotent: CREATE ... IF NOT EXISTS).</summary>
    public const string Schema = "";

    public static Task ReplaceAsync(SqliteConnection connection, SqliteTransaction transaction, long resourcePk, string resourceType, IReadOnlyList<SearchIndexEntry> entries, CancellationToken cancellationToken)
        => Task.CompletedTask;

    public static Task RemoveAsync(SqliteConnection connection, SqliteTransaction transaction, long resourcePk, CancellationToken cancellationToken)
        => Task.CompletedTask;
}
