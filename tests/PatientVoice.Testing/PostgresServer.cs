using System.Diagnostics;

namespace PatientVoice.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for tests and benchmarks: <c>initdb</c> into a fresh folder under the temp
/// folder, <c>pg_ctl start</c> on a free loopback port with its socket in that folder, stopped and deleted on
/// dispose. The binaries are found under <c>/usr/lib/postgresql/*/bin</c> (Debian's <c>postgresql</c>
/// package; <c>./test.sh</c> installs it), or in the folder named by <c>PATIENTVOICE_PG_BIN</c>. As root the
/// server runs as the <c>postgres</c> user through <c>runuser</c> (<c>pg_ctl</c> refuses root).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(StartSharedAsync);
    private static int _databases;
    private readonly string _bin;
    private readonly string _directory;
    private string _serverOptions = "";
    private bool _stopped;

    private PostgresServer(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The <c>postgres</c> database as superuser (trust authentication on loopback).</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    /// <summary>
    /// One server for the whole test process, started on first use with durability off (<c>fsync=off</c>: a
    /// crash of a throwaway cluster loses nothing we keep) and stopped when the process exits.
    /// </summary>
    public static Task<PostgresServer> SharedAsync() => SharedServer.Value;

    public string ConnectionString(string database)
        => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50;Include Error Detail=true";

    /// <summary>Starts a new cluster. <paramref name="settings"/> are extra <c>-c name=value</c> server settings.</summary>
    public static async Task<PostgresServer> StartAsync(IReadOnlyList<string>? settings = null, CancellationToken cancellationToken = default)
    {
        var bin = FindBinaries();
        var directory = Path.Combine(Path.GetTempPath(), "pv-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (AsRoot)
        {
            // The cluster's files belong to the user that runs it.
            await RunAsync("chown", ["postgres:postgres", directory], asPostgres: false, cancellationToken);
        }

        var port = FreePort.Next();
        var server = new PostgresServer(bin, directory, port);
        try
        {
            var data = Path.Combine(directory, "data");
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"], asPostgres: true, cancellationToken);
            server._serverOptions = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=200 " + string.Join(' ', (settings ?? []).Select(s => "-c " + s));
            await server.StartAgainAsync(cancellationToken);
            server.StartWatchdog();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops the server (<c>pg_ctl stop -m fast</c>: open sessions are ended with 57P01, as at a planned restart) and
    /// leaves its data folder for <see cref="StartAgainAsync"/>.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
        => RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "fast", "-w", "-t", "60", "stop"], asPostgres: true, cancellationToken);

    /// <summary>Starts the server on its data folder and port (again, after <see cref="StopAsync"/>); returns once it accepts connections.</summary>
    public Task StartAgainAsync(CancellationToken cancellationToken = default)
        => RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-l", Path.Combine(_directory, "log"), "-o", _serverOptions, "-w", "-t", "60", "start"], asPostgres: true, cancellationToken);

    /// <summary>A client program of the same PostgreSQL build as the server (e.g. <c>pg_dump</c>, <c>pg_restore</c>).</summary>
    public string Tool(string name) => Path.Combine(_bin, name);

    /// <summary>The database named in a connection string made by <see cref="ConnectionString"/> or <see cref="CreateDatabaseAsync"/>.</summary>
    public static string DatabaseOf(string connectionString) => new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!;

    /// <summary>A new, empty database on this server, with its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "pv")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        await using var connection = new Npgsql.NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Npgsql.NpgsqlConnection.ClearAllPools();
        var data = Path.Combine(_directory, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            try
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], asPostgres: true, CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // The watchdog removes it once this process has gone.
        }
    }

    /// <summary>
    /// A shell loop outside this process that stops the server and deletes its folder once this process is gone,
    /// however it ends (a test host killed at a timeout does not run its exit handlers to the end).
    /// </summary>
    private void StartWatchdog()
    {
        var stop = $"{(AsRoot ? "runuser -u postgres -- " : "")}'{Path.Combine(_bin, "pg_ctl")}' -D '{Path.Combine(_directory, "data")}' -m immediate -w stop";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{_directory}'";
        var start = new ProcessStartInfo("sh", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var watchdog = Process.Start(start);
    }

    private static bool AsRoot => Environment.UserName == "root";

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = await StartAsync(["fsync=off", "synchronous_commit=off", "full_page_writes=off"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    private static string FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("PATIENTVOICE_PG_BIN");
        var candidates = configured is { Length: > 0 }
            ? [configured]
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .Select(d => Path.Combine(d, "bin"))
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                    .ToArray()
                : [];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "No PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: install them with `apt-get install -y postgresql` (./test.sh does), or set PATIENTVOICE_PG_BIN.");
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = asPostgres && AsRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        // The server must not inherit the test host's working folder (it may be unreadable for postgres).
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }
}
