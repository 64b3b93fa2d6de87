using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Web.Operations;

/// <summary>
/// Commands an operator runs beside the server, as <c>dotnet PatientVoice.Web.dll backup &lt;file&gt;</c> (while it
/// runs) or <c>restore &lt;file&gt;</c> (while it is stopped), with the
/// server's own configuration (appsettings.json, <c>ASPNETCORE_ENVIRONMENT</c>, environment variables, and any
/// <c>--key=value</c> after the command), so they find the database the server uses. Each prints one line and exits
/// 0 when it did what was asked, 1 when it failed, 2 when it was not the right thing to ask (docs/operations.md).
/// </summary>
public static class OperatorCommands
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int Refused = 2;

    private const string Usage = "usage: dotnet PatientVoice.Web.dll backup|restore <file> [--Storage:Sqlite:Path=...]";

    /// <summary>True when the first argument names a command rather than starting the server.</summary>
    public static bool Handles(IReadOnlyList<string> args) => args is ["backup" or "restore", ..];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Count < 2 || args[1].StartsWith("--", StringComparison.Ordinal))
        {
            await error.WriteLineAsync(Usage);
            return Refused;
        }

        // The same configuration sources as the server; the command's own words are not configuration.
        var configuration = WebApplication.CreateBuilder([.. args.Skip(2)]).Configuration;
        var command = args[0];
        var provider = configuration["Storage:Provider"] ?? "Sqlite";
        if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            await error.WriteLineAsync(
                $"{command} refused: Storage:Provider is {provider}; this command is for the embedded SQLite store only. Use pg_dump/pg_restore or continuous archiving for PostgreSQL (docs/operations.md, \"Backup and restore: PostgreSQL\").");
            return Refused;
        }

        var options = new SqliteStoreOptions();
        configuration.GetSection(SqliteStoreOptions.Section).Bind(options);
        try
        {
            if (command == "backup")
            {
                var result = await SqliteBackup.CreateAsync(options.Path, args[1], cancellationToken);
                await output.WriteLineAsync(
                    $"backup ok: {result.Source} -> {result.Destination} (schema version {result.SchemaVersion}, {result.Resources} resources, {result.Bytes} bytes, {result.Elapsed.TotalSeconds:F1} s; integrity check ok)");
            }
            else
            {
                var result = await SqliteRestore.RestoreAsync(options.Path, args[1], TimeProvider.System, cancellationToken);
                await output.WriteLineAsync(
                    $"restore ok: {result.Backup} -> {result.Database} (schema version {result.SchemaVersion}, {result.Resources} resources; integrity check ok; "
                    + (result.SetAside is null ? "there was no database before)" : $"the database it replaced is kept as {result.SetAside})"));
            }

            return Succeeded;
        }
        catch (SqliteDatabaseInUseException e)
        {
            await error.WriteLineAsync($"{command} refused: {e.Message}");
            return Refused;
        }
        catch (Exception e) when (e is SqliteBackupException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{command} failed: {e.Message}");
            return Failed;
        }
    }
}
