using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Search;

namespace PatientVoice.Storage.Sqlite;

// STUB (to be replaced by the search work): runs a parsed search against the index tables.
internal sealed class SqliteSearchExecutor
{
    public Task<SearchResult> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, SearchQuery query, CancellationToken cancellationToken)
        => Task.FromResult(new SearchResult([], [], null, null, null));
}
