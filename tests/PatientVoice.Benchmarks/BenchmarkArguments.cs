using System.Globalization;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>--name value</c> pairs after the command name; every option has a default. An option whose name holds a
/// colon is server configuration (<c>--Fhir:ValidateAgainstDefaultProfiles=false</c> or <c>--Section:Key value</c>)
/// and is passed to the server's command line as it is.
/// </summary>
internal sealed class BenchmarkArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _serverArguments = [];

    public BenchmarkArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'; options are --name value.");
            }

            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (args[i].Contains(':', StringComparison.Ordinal))
            {
                _serverArguments.Add(args[i]);
                if (hasValue && !args[i].Contains('=', StringComparison.Ordinal))
                {
                    _serverArguments.Add(args[++i]);
                }

                continue;
            }

            _values[args[i][2..]] = hasValue ? args[++i] : "true";
        }
    }

    /// <summary>The server configuration options, in order, for its command line.</summary>
    public IReadOnlyList<string> ServerArguments => _serverArguments;

    /// <summary>The value of server option <paramref name="key"/> (<c>--Key=value</c> or <c>--Key value</c>), or null.</summary>
    public string? ServerSetting(string key)
    {
        for (var i = 0; i < _serverArguments.Count; i++)
        {
            var name = _serverArguments[i][2..];
            if (name.StartsWith(key + "=", StringComparison.OrdinalIgnoreCase))
            {
                return name[(key.Length + 1)..];
            }

            if (name.Equals(key, StringComparison.OrdinalIgnoreCase) && i + 1 < _serverArguments.Count && !_serverArguments[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return _serverArguments[i + 1];
            }
        }

        return null;
    }

    public int Int(string name, int fallback)
        => _values.TryGetValue(name, out var v) ? int.Parse(v.Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;

    public string? String(string name) => _values.GetValueOrDefault(name);

    public bool Flag(string name) => _values.TryGetValue(name, out var v) && v != "false";
}
