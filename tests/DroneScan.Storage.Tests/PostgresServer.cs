using DroneScan.Core.Flights;
using DroneScan.Storage.Postgres;
using Npgsql;

namespace DroneScan.Storage.Tests;

/// <summary>
/// A uniquely named database on the test server for one test class (an xUnit class fixture), dropped afterwards;
/// each test then gets a fresh schema in it (<see cref="NewSchema"/>). The server comes from the environment
/// variable <see cref="EnvironmentVariable"/>; without it the tests start the repository's private test server
/// (<c>tools/dev/postgres-test-server.sh</c>, loopback only) once per test run, so the README's plain
/// <c>dotnet test</c> works on a fresh machine too. When neither is possible every PostgreSQL test fails with how
/// to start one: a test that cannot fail proves nothing.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string EnvironmentVariable = "DRONESCAN_TEST_POSTGRES";

    private readonly string adminConnectionString;
    private int schemas;

    public PostgresServer()
    {
        adminConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString.Value)
        {
            Pooling = false,
        }.ToString();
        DatabaseName = "dronescan_t_" + Guid.NewGuid().ToString("N")[..16];
        using (var c = new NpgsqlConnection(adminConnectionString))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {DatabaseName};", c);
            cmd.ExecuteNonQuery();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = DatabaseName, Pooling = true }.ToString();
    }

    /// <summary>The class's own database (search path <c>public</c>).</summary>
    public string ConnectionString { get; }

    public string DatabaseName { get; }

    private static readonly Lazy<string> ServerConnectionString = new(() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : StartPrivateServer());

    /// <summary>Starts (installing if needed) the private server and returns its connection string.</summary>
    private static string StartPrivateServer()
    {
        string? script = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && script is null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tools", "dev", "postgres-test-server.sh");
            script = File.Exists(candidate) ? candidate : null;
        }

        if (script is null)
        {
            return ConnectionStringFromEnvironment(null);
        }

        var (startCode, _, startError) = RunScript(script, "start");
        var (urlCode, url, _) = startCode == 0 ? RunScript(script, "url") : (startCode, "", "");
        if (startCode != 0 || urlCode != 0 || string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException(
                $"{script} start failed (exit {startCode}): {startError.Trim()}. " + MissingServerMessage);
        }

        return url.Trim();
    }

    private static (int Code, string Output, string Error) RunScript(string script, string verb)
    {
        var info = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(verb);
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    private static string MissingServerMessage =>
        $"The PostgreSQL store tests need a server. Start the private test server "
        + "(installs PostgreSQL from Debian packages if missing, listens on 127.0.0.1:54329) and export its "
        + "connection string with: tools/dev/postgres-test-server.sh start && eval \"$(tools/dev/postgres-test-server.sh env)\" "
        + "(.ci/run does this), or point it at your own server, e.g. "
        + $"{EnvironmentVariable}='Host=127.0.0.1;Port=5432;Username=dronescan;Password=dronescan;Database=dronescan_test' "
        + "(the user needs CREATEDB).";

    /// <summary>The server's connection string from the environment.</summary>
    /// <exception cref="InvalidOperationException">The variable is not set: the message says how to start a server.</exception>
    public static string ConnectionStringFromEnvironment(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: the PostgreSQL store tests need a server. Start the private test server "
                + "(installs PostgreSQL from Debian packages if missing, listens on 127.0.0.1:54329) and export its "
                + "connection string with: tools/dev/postgres-test-server.sh start && eval \"$(tools/dev/postgres-test-server.sh env)\" "
                + "(.ci/run does this), or point it at your own server, e.g. "
                + $"{EnvironmentVariable}='Host=127.0.0.1;Port=5432;Username=dronescan;Password=dronescan;Database=dronescan_test' "
                + "(the user needs CREATEDB).")
            : value;

    /// <summary>Creates an empty schema and returns a connection string whose search path is that schema.</summary>
    public string NewSchema()
    {
        string schema = $"t{Interlocked.Increment(ref schemas)}_{Guid.NewGuid().ToString("N")[..8]}";
        using (var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema};", c);
            cmd.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ToString();
    }

    /// <summary>Drops the class's database. Test classes end in parallel, and concurrent <c>DROP DATABASE … WITH
    /// (FORCE)</c>s can deadlock on the catalogue or meet a session still ending: a failed drop is tried again (up to
    /// five times, a little later each time) before the failure is reported.</summary>
    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var c = new NpgsqlConnection(adminConnectionString);
                c.Open();
                using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE);", c);
                cmd.ExecuteNonQuery();
                return;
            }
            catch (PostgresException) when (attempt < 5)
            {
                Thread.Sleep(200 * attempt);
            }
        }
    }
}

/// <summary>A store in a fresh schema of the class's test database.</summary>
public sealed class PostgresHarness : StoreHarness
{
    public PostgresHarness(PostgresServer server)
    {
        ConnectionString = server.NewSchema();
        Initialise();
    }

    public string ConnectionString { get; }

    public new PostgresFlightStore Store => (PostgresFlightStore)base.Store;

    public override int MigrationCount => PostgresSchema.Migrations.Count;

    public override int LatestSchemaVersion => PostgresSchema.LatestVersion;

    public override Action<string>? BeforeCommit
    {
        set => Store.BeforeCommit = value;
    }

    public NpgsqlConnection Connect()
    {
        var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        c.Open();
        return c;
    }

    public override void ExecuteSql(string sql)
    {
        using var c = Connect();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public override object? QueryScalar(string sql)
    {
        using var c = Connect();
        using var cmd = new NpgsqlCommand(sql, c);
        return cmd.ExecuteScalar();
    }

    /// <summary>PostgreSQL enforces foreign keys always; check what no key covers: no detection of a photo that is
    /// not ok, and no hazard link to a missing detection.</summary>
    public override void AssertConsistent()
    {
        Assert.Equal(0L, QueryScalar("""
            SELECT COUNT(*) FROM detections d JOIN photos p ON p.flight_id = d.flight_id AND p.photo_id = d.photo_id
            WHERE p.status <> 'ok';
            """));
        Assert.Equal(0L, QueryScalar("""
            SELECT COUNT(*) FROM hazard_observations ho LEFT JOIN detections d
              ON d.flight_id = ho.flight_id AND d.photo_id = ho.photo_id AND d.detection_index = ho.detection_index
            WHERE d.photo_id IS NULL;
            """));
    }

    protected override IFlightStore OpenStore() => PostgresFlightStore.Open(ConnectionString, Clock);
}
