using System.Data.Common;

namespace PatientVoice.Storage.Search.Sql;

/// <summary>One stored version as both adapters select it: the columns, and the row mapped to a <see cref="StoredResource"/>.</summary>
internal static class ResourceRow
{
    /// <summary>The six columns <see cref="Map"/> reads, from <c>resource r</c> joined to <c>resource_version v</c>.</summary>
    public const string Columns = "r.resource_type, r.resource_id, v.version, v.last_updated, v.method, v.json";

    /// <summary>Maps a row whose six columns from <paramref name="offset"/> are <see cref="Columns"/>; a null JSON is a deletion.</summary>
    public static StoredResource Map(DbDataReader reader, int offset = 0)
    {
        var json = reader.IsDBNull(offset + 5) ? null : reader.GetString(offset + 5);
        return new StoredResource(
            reader.GetString(offset),
            reader.GetString(offset + 1),
            reader.GetInt32(offset + 2),
            StoreClock.FromUnixMilliseconds(reader.GetInt64(offset + 3)),
            IsDeleted: json is null,
            json,
            reader.GetString(offset + 4));
    }
}
