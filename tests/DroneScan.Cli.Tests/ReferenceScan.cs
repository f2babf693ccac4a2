using System.Globalization;
using Microsoft.Data.Sqlite;

namespace DroneScan.Cli.Tests;

/// <summary>
/// A copy of the demo flight in a temporary folder and its uninterrupted scan (a <c>dronescan</c> process, to its own
/// database), which the interrupted scans of the same folder are compared with.
/// </summary>
public sealed class ReferenceScan : IDisposable
{
    public const int PhotoCount = 18;

    private readonly string root = Directory.CreateTempSubdirectory("dronescan-interrupt-").FullName;

    public ReferenceScan()
    {
        Flight = Path.Combine(root, "demo-flight");
        Directory.CreateDirectory(Flight);
        foreach (var file in Directory.GetFiles(TestData.DemoFlight))
        {
            File.Copy(file, Path.Combine(Flight, Path.GetFileName(file)));
        }

        var run = NewRun("reference");
        var (code, output) = DroneScanProcess.Run(TimeSpan.FromMinutes(3), run.Args);
        if (code != 0 || !output.Contains($"{PhotoCount} used ({PhotoCount} processed, 0 resumed)", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the reference scan exited with {code}\n{output}");
        }

        Store = ScanStore.Read(run.Database);
        HazardFile = File.ReadAllText(run.HazardFile);
    }

    /// <summary>The flight folder every scan here reads, so all give the same flight id.</summary>
    internal string Flight { get; }

    internal ScanStore Store { get; }

    /// <summary>The hazard points GeoJSON the uninterrupted scan wrote.</summary>
    internal string HazardFile { get; }

    /// <summary>A scan of the flight to its own database and hazard file, named <paramref name="name"/>.</summary>
    internal Run NewRun(string name)
    {
        string database = Path.Combine(root, name + ".db");
        string hazards = Path.Combine(root, name + ".geojson");
        return new Run(database, hazards, ["scan", Flight, "--db", database, "--model", TestData.ShippedModel, "--out", hazards]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>One scan's command line and the files it writes.</summary>
    internal sealed record Run(string Database, string HazardFile, string[] Args);
}

/// <summary>
/// What a scan left in its SQLite database. Each read opens a new read-only connection: the scan may still be writing
/// (WAL mode), and a new connection sees every photo committed so far; read-only, it never checkpoints or removes the
/// WAL a killed scan left behind.
/// </summary>
internal sealed record ScanStore(
    int Photos,
    int PhotosSavedByTheLatestRun,
    IReadOnlyDictionary<string, long> DetectionsPerPhoto,
    int ObservationsInSeveralHazards,
    IReadOnlyList<string> HazardIds)
{
    /// <summary>Photos stored so far (0 before the scan has created its tables).</summary>
    public static int StoredPhotos(string database)
    {
        if (!File.Exists(database))
        {
            return 0;
        }

        using var connection = Open(database);
        try
        {
            return Count(connection, "SELECT COUNT(*) FROM photos;");
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return 0;
        }
    }

    public static ScanStore Read(string database)
    {
        using var connection = Open(database);
        var detections = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                SELECT p.photo_id, (SELECT COUNT(*) FROM detections d WHERE d.flight_id = p.flight_id AND d.photo_id = p.photo_id)
                FROM photos p;
                """;
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                detections.Add(reader.GetString(0), reader.GetInt64(1));
            }
        }

        var hazardIds = new List<string>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT id FROM hazards ORDER BY id;";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                hazardIds.Add(reader.GetString(0));
            }
        }

        return new ScanStore(
            Count(connection, "SELECT COUNT(*) FROM photos;"),
            Count(connection, "SELECT COUNT(*) FROM photos WHERE run_id = (SELECT MAX(id) FROM runs);"),
            detections,
            Count(connection, """
                SELECT COUNT(*) FROM (SELECT 1 FROM hazard_observations
                GROUP BY flight_id, photo_id, detection_index HAVING COUNT(*) > 1);
                """),
            hazardIds);
    }

    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = database,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 10,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static int Count(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
