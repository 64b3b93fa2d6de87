using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Storage.Search;

/// <summary>
/// A keyset position: the sort-key values and pk of a boundary row, and whether the page lies after it
/// (next) or before it (previous). Encoded as base64url JSON; clients treat it as opaque.
/// </summary>
internal sealed record SearchCursor(bool Backward, IReadOnlyList<object?> Keys, long Pk, string SortSignature)
{
    public string Encode()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("b", Backward);
            writer.WriteString("s", SortSignature);
            writer.WriteNumber("p", Pk);
            writer.WriteStartArray("k");
            foreach (var key in Keys)
            {
                switch (key)
                {
                    case null: writer.WriteNullValue(); break;
                    case long l: writer.WriteNumberValue(l); break;
                    case double d: writer.WriteNumberValue(d); break;
                    case string s: writer.WriteStringValue(s); break;
                    default: writer.WriteStringValue(Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture)); break;
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(stream.ToArray());
    }

    /// <exception cref="BadRequestException">The cursor is not one we issued.</exception>
    public static SearchCursor Decode(string cursor)
    {
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(cursor));
            var root = document.RootElement;
            var keys = new List<object?>();
            foreach (var k in root.GetProperty("k").EnumerateArray())
            {
                keys.Add(k.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => k.GetString(),
                    JsonValueKind.Number when k.TryGetInt64(out var l) => l,
                    JsonValueKind.Number => k.GetDouble(),
                    _ => throw new FormatException("bad key"),
                });
            }

            return new SearchCursor(root.GetProperty("b").GetBoolean(), keys, root.GetProperty("p").GetInt64(), root.GetProperty("s").GetString() ?? "");
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BadRequestException("The _cursor parameter is not a valid paging cursor; follow the next/previous links as given.", "_cursor");
        }
    }

    public static string SignatureOf(IReadOnlyList<SortKey> sort)
        => string.Join(',', sort.Select(k => (k.Descending ? "-" : "") + k.Parameter.Name));

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
