using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Search;
using PatientVoice.Storage.Search.Sql;

namespace PatientVoice.Storage.Sqlite;

/// <summary>The shared <see cref="SqlSearchExecutor"/> with the SQLite dialect.</summary>
internal sealed class SqliteSearchExecutor
{
    private readonly SqlSearchExecutor _executor = new(SqliteDialect.Instance);

    public Task<SearchResult> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, SearchQuery query, CancellationToken cancellationToken)
        => _executor.ExecuteAsync(connection, transaction, query, cancellationToken);
}
