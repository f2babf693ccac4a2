using Npgsql;

namespace DroneScan.Web.Tests;

/// <summary>
/// A uniquely named database on the PostgreSQL test server for one test class (an xUnit class fixture), dropped
/// afterwards. The server is the one in <c>DRONESCAN_TEST_POSTGRES</c> or, without it, the repository's private test
/// server (<c>tools/dev/postgres-test-server.sh start</c>, loopback only), as in DroneScan.Storage.Tests.
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    public const string EnvironmentVariable = "DRONESCAN_TEST_POSTGRES";

    private static readonly Lazy<string> ServerConnectionString = new(() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : StartPrivateServer());

    private readonly string adminConnectionString;

    public PostgresDatabase()
    {
        adminConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString.Value) { Pooling = false }.ToString();
        DatabaseName = "dronescan_w_" + Guid.NewGuid().ToString("N")[..16];
        Execute(adminConnectionString, $"CREATE DATABASE {DatabaseName};");
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = DatabaseName, Pooling = true }.ToString();
    }

    /// <summary>The class's own database (search path <c>public</c>).</summary>
    public string ConnectionString { get; }

    public string DatabaseName { get; }

    public object? QueryScalar(string sql)
    {
        using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        return cmd.ExecuteScalar();
    }

    public List<object?[]> Query(string sql)
    {
        using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Execute(adminConnectionString, $"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE);");
    }

    private static void Execute(string connectionString, string sql)
    {
        using var c = new NpgsqlConnection(connectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    private static string StartPrivateServer()
    {
        string script = Path.Combine(TestPaths.RepoRoot, "tools", "dev", "postgres-test-server.sh");
        var (startCode, _, startError) = RunScript(script, "start");
        var (urlCode, url, _) = startCode == 0 ? RunScript(script, "url") : (startCode, "", "");
        if (startCode != 0 || urlCode != 0 || string.IsNullOrWhiteSpace(url))
        {
            throw new InvalidOperationException(
                $"{script} start failed (exit {startCode}): {startError.Trim()}. The scale-out test needs a PostgreSQL server: "
                + $"run tools/dev/postgres-test-server.sh start, or set {EnvironmentVariable} to a connection string whose user may CREATE DATABASE.");
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
}
