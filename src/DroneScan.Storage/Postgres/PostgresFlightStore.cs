using System.Data;
using DroneScan.Core.Hazards;
using Npgsql;

namespace DroneScan.Storage.Postgres;

/// <summary>
/// <see cref="IFlightStore"/> on a PostgreSQL database, for several worker processes writing one flight at once.
/// Same rows and rules as <see cref="Sqlite.SqliteFlightStore"/>. Where SQLite serialises every writer with
/// <c>BEGIN IMMEDIATE</c>, this store takes row locks on the flight: photo writes share it (<c>FOR SHARE</c>, so
/// workers writing different photos run in parallel and the photo row upsert orders two writers of one photo),
/// run and hazard writes take it alone (<c>FOR UPDATE</c>, so finalising sees a stable set of detections), and a
/// review locks its hazard row. Transactions run at READ COMMITTED, so each statement after a lock wait sees what
/// the lock holder committed. A deadlock or serialization failure (SQLSTATE 40P01/40001) rolls back and retries the
/// whole operation, a bounded number of times. Reads run in one REPEATABLE READ transaction: a consistent snapshot.
/// Thread-safe; connections come from one pooled <see cref="NpgsqlDataSource"/>.
/// </summary>
public sealed partial class PostgresFlightStore : IFlightStore, IFlightJobStore, IUserStore, IDisposable
{
    /// <summary>How many times an operation runs at most when it keeps losing deadlocks or serialization checks.</summary>
    public const int MaxAttempts = 8;

    private readonly NpgsqlDataSource dataSource;
    private readonly TimeProvider time;

    private PostgresFlightStore(NpgsqlDataSource dataSource, string description, TimeProvider time)
    {
        this.dataSource = dataSource;
        this.time = time;
        Description = description;
    }

    /// <summary>Host, port, database and schema, for messages (never the password).</summary>
    public string Description { get; }

    /// <summary>Test seam: called inside every write transaction just before it commits, with the operation name.
    /// Throwing from it rolls the whole operation back.</summary>
    internal Action<string>? BeforeCommit { get; set; }

    /// <summary>Operations retried after a deadlock or serialization failure since the store was opened.</summary>
    internal int Retries => retries;

    private int retries;

    /// <summary>Connects to the database and brings its schema up to date (tables in the first schema of the
    /// search path). Several processes may open the same database at once.</summary>
    /// <param name="connectionString">An Npgsql connection string, e.g.
    /// <c>Host=db;Port=5432;Username=dronescan;Password=...;Database=dronescan</c>; <c>Search Path=name</c> picks a schema.</param>
    /// <param name="time">The clock for created/updated/processed times.</param>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    /// <exception cref="InvalidOperationException">The server cannot be reached, or the schema is from a newer DroneScan.</exception>
    public static PostgresFlightStore Open(string connectionString, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(time);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        string description = $"postgres {builder.Host}:{builder.Port}/{builder.Database}"
            + (string.IsNullOrEmpty(builder.SearchPath) ? "" : $" (schema {builder.SearchPath})");
        var dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            using (var connection = OpenConnection(dataSource, description))
            {
                PostgresSchema.Migrate(connection, description, time.GetUtcNow());
            }

            return new PostgresFlightStore(dataSource, description, time);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    /// <summary>Closes the store's pooled connections.</summary>
    public void Dispose() => dataSource.Dispose();

    /// <inheritdoc/>
    public FlightRecord UpsertFlight(FlightDefinition flight)
    {
        ArgumentNullException.ThrowIfNull(flight);
        ArgumentException.ThrowIfNullOrWhiteSpace(flight.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(flight.Name);
        return Write(nameof(UpsertFlight), (c, tx) =>
        {
            Execute(c, tx, """
                INSERT INTO flights (id, name, source_folder, site, notes, status, created_at, updated_at)
                VALUES (@id, @name, @folder, @site, @notes, 'created', @now, @now)
                ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name,
                    source_folder = COALESCE(excluded.source_folder, flights.source_folder),
                    site = COALESCE(excluded.site, flights.site),
                    notes = COALESCE(excluded.notes, flights.notes),
                    updated_at = excluded.updated_at;
                """,
                ("id", flight.Id), ("name", flight.Name), ("folder", flight.SourceFolder), ("site", flight.Site),
                ("notes", flight.Notes), ("now", time.GetUtcNow()));
            return ReadFlight(c, tx, flight.Id)!;
        });
    }

    /// <inheritdoc/>
    public long StartRun(RunStart run)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.ModelSha256);
        return Write(nameof(StartRun), (c, tx) =>
        {
            LockFlight(c, tx, run.FlightId, exclusive: true);
            return InsertRun(c, tx, run, time.GetUtcNow());
        });
    }

    /// <inheritdoc/>
    public RunRecord FinishRun(long runId, RunTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return Write(nameof(FinishRun), (c, tx) =>
        {
            var run = ReadRuns(c, tx, "WHERE id = @id", ("id", runId)).FirstOrDefault()
                ?? throw new KeyNotFoundException($"{Description}: no run {runId}");
            LockFlight(c, tx, run.FlightId, exclusive: true);
            var now = time.GetUtcNow();
            Execute(c, tx, """
                UPDATE runs SET finished_at = @now, photos_total = @total, photos_processed = @processed,
                    photos_resumed = @resumed, photos_skipped = @skipped, photos_failed = @failed,
                    detections = @detections, hazards = @hazards, elapsed_s = @elapsed
                WHERE id = @id;
                """,
                ("id", runId), ("now", now), ("total", totals.PhotosTotal), ("processed", totals.PhotosProcessed),
                ("resumed", totals.PhotosResumed), ("skipped", totals.PhotosSkipped), ("failed", totals.PhotosFailed),
                ("detections", totals.Detections), ("hazards", totals.Hazards), ("elapsed", (now - run.StartedAt).TotalSeconds));

            // A flight finalised during the run stays finalised.
            SetFlightStatus(c, tx, run.FlightId, "CASE WHEN status = 'scanning' THEN 'scanned' ELSE status END", now);
            return ReadRuns(c, tx, "WHERE id = @id", ("id", runId))[0];
        });
    }

    /// <inheritdoc/>
    public IReadOnlyList<FlightSummary> GetFlights() => Read((c, tx) => ReadSummaries(c, tx, null));

    /// <inheritdoc/>
    public string? GetLatestFlightId() => Read((c, tx) =>
    {
        using var cmd = Command(c, tx, "SELECT id FROM flights ORDER BY updated_at DESC, id LIMIT 1;");
        return cmd.ExecuteScalar() as string;
    });

    /// <inheritdoc/>
    public FlightSummary? GetFlight(string flightId) => Read((c, tx) => ReadSummaries(c, tx, flightId).FirstOrDefault());

    /// <inheritdoc/>
    public FlightInfo? GetFlightInfo(string flightId) => Read((c, tx) =>
    {
        using var cmd = Command(c, tx, """
            SELECT f.id, f.name, r.model_name, r.model_version, r.model_sha256, r.finished_at
            FROM runs r JOIN flights f ON f.id = r.flight_id
            WHERE r.flight_id = @flight AND r.finished_at IS NOT NULL
            ORDER BY r.id DESC LIMIT 1;
            """);
        cmd.Add("flight", flightId);
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new FlightInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetTime(5))
            : null;
    });

    private static NpgsqlConnection OpenConnection(NpgsqlDataSource dataSource, string description)
    {
        try
        {
            return dataSource.OpenConnection();
        }
        catch (NpgsqlException e) when (e is not PostgresException || ((PostgresException)e).SqlState.StartsWith("28", StringComparison.Ordinal) || ((PostgresException)e).SqlState == "3D000")
        {
            // Unreachable server (socket errors), wrong password (28xxx) or no such database (3D000): say where.
            throw new InvalidOperationException($"{description}: cannot connect: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="work"/> in one READ COMMITTED transaction; any exception rolls it all back.
    /// A deadlock or serialization failure runs the whole operation again (up to <see cref="MaxAttempts"/> times).</summary>
    private T Write<T>(string operation, Func<NpgsqlConnection, NpgsqlTransaction, T> work)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = OpenConnection(dataSource, Description);
                using var tx = connection.BeginTransaction(IsolationLevel.ReadCommitted);
                T result = work(connection, tx);
                BeforeCommit?.Invoke(operation);
                tx.Commit();
                return result;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < MaxAttempts)
            {
                Interlocked.Increment(ref retries);

                // Jittered back-off so the two losers of a deadlock do not meet again at once.
                Thread.Sleep(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt));
            }
            catch (PostgresException e) when (Unavailable(e) is { } unavailable)
            {
                throw unavailable;
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> in one REPEATABLE READ transaction: a consistent snapshot across its queries.</summary>
    private T Read<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work)
    {
        try
        {
            using var connection = OpenConnection(dataSource, Description);
            using var tx = connection.BeginTransaction(IsolationLevel.RepeatableRead);
            T result = work(connection, tx);
            tx.Commit();
            return result;
        }
        catch (PostgresException e) when (Unavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>The user-facing form of a failure that is the server's or another session's, not the data's: a full
    /// disk (53100) or a lock not granted within the session's <c>lock_timeout</c> (55P03); null for any other.</summary>
    private StoreUnavailableException? Unavailable(PostgresException e) => e.SqlState switch
    {
        PostgresErrorCodes.DiskFull => new StoreUnavailableException(Description, StoreProblem.Full,
            $"{Description}: disk full on the database server ({e.MessageText}); the last change was not saved. Free space and try again", e),
        PostgresErrorCodes.LockNotAvailable => new StoreUnavailableException(Description, StoreProblem.Locked,
            $"{Description}: database is locked by another session ({e.MessageText}); the last change was not saved. Try again when it has finished", e),
        _ => null,
    };

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction tx, string sql) => new(sql, connection, tx);

    private static int Execute(NpgsqlConnection c, NpgsqlTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Add(name, value);
        }

        return cmd.ExecuteNonQuery();
    }

    /// <summary>Locks the flight row for this transaction: shared for photo writes, exclusive for run and hazard
    /// writes (see the class remarks).</summary>
    /// <exception cref="KeyNotFoundException">No such flight.</exception>
    private void LockFlight(NpgsqlConnection c, NpgsqlTransaction tx, string flightId, bool exclusive)
    {
        using var cmd = Command(c, tx, exclusive ? "SELECT 1 FROM flights WHERE id = @id FOR UPDATE;" : "SELECT 1 FROM flights WHERE id = @id FOR SHARE;");
        cmd.Add("id", flightId);
        if (cmd.ExecuteScalar() is null)
        {
            throw new KeyNotFoundException($"{Description}: no flight '{flightId}'");
        }
    }

    // statusSql: an SQL expression for the new status (a constant literal or a CASE on the old one), never user input.
    /// <summary>Inserts a run of the flight (model identity, options, start time) and marks the flight scanning.</summary>
    private static long InsertRun(NpgsqlConnection c, NpgsqlTransaction tx, RunStart run, DateTimeOffset now)
    {
        long id;
        using (var cmd = Command(c, tx, """
            INSERT INTO runs (flight_id, model_name, model_version, model_sha256, options_json, started_at)
            VALUES (@flight, @name, @version, @sha, @options, @now) RETURNING id;
            """))
        {
            cmd.Add("flight", run.FlightId);
            cmd.Add("name", run.ModelName);
            cmd.Add("version", run.ModelVersion);
            cmd.Add("sha", run.ModelSha256.ToLowerInvariant());
            cmd.Add("options", run.OptionsJson);
            cmd.Add("now", now);
            id = (long)cmd.ExecuteScalar()!;
        }

        SetFlightStatus(c, tx, run.FlightId, "'scanning'", now);
        return id;
    }

    private static void SetFlightStatus(NpgsqlConnection c, NpgsqlTransaction tx, string flightId, string statusSql, DateTimeOffset now) =>
        Execute(c, tx, $"UPDATE flights SET status = {statusSql}, updated_at = @now WHERE id = @id;", ("id", flightId), ("now", now));

    private static FlightRecord? ReadFlight(NpgsqlConnection c, NpgsqlTransaction tx, string flightId)
    {
        using var cmd = Command(c, tx, "SELECT id, name, source_folder, site, notes, status, created_at, updated_at FROM flights WHERE id = @id;");
        cmd.Add("id", flightId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadFlight(r) : null;
    }

    private static FlightRecord ReadFlight(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetStringOrNull(2), r.GetStringOrNull(3), r.GetStringOrNull(4),
        StoredValues.ParseEnum<FlightStatus>(r.GetString(5)), r.GetTime(6), r.GetTime(7));

    private static List<RunRecord> ReadRuns(NpgsqlConnection c, NpgsqlTransaction tx, string where, params (string Name, object Value)[] parameters)
    {
        using var cmd = Command(c, tx, $"""
            SELECT id, flight_id, model_name, model_version, model_sha256, options_json, started_at, finished_at,
                   photos_total, photos_processed, photos_resumed, photos_skipped, photos_failed, detections, hazards
            FROM runs {where};
            """);
        foreach (var (name, value) in parameters)
        {
            cmd.Add(name, value);
        }

        using var r = cmd.ExecuteReader();
        var runs = new List<RunRecord>();
        while (r.Read())
        {
            RunTotals? totals = r.IsDBNull(8) ? null : new RunTotals(r.GetInt32(8), r.GetInt32(9), r.GetInt32(10), r.GetInt32(11), r.GetInt32(12), r.GetInt32(13), r.GetInt32(14));
            runs.Add(new RunRecord(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetTime(6), r.GetTimeOrNull(7), totals));
        }

        return runs;
    }

    private static List<FlightSummary> ReadSummaries(NpgsqlConnection c, NpgsqlTransaction tx, string? flightId)
    {
        using var cmd = Command(c, tx, $"""
            SELECT f.id, f.name, f.source_folder, f.site, f.notes, f.status, f.created_at, f.updated_at,
                (SELECT COUNT(*)::int FROM photos p WHERE p.flight_id = f.id AND p.status = 'ok'),
                (SELECT COUNT(*)::int FROM photos p WHERE p.flight_id = f.id AND p.status = 'skipped'),
                (SELECT COUNT(*)::int FROM photos p WHERE p.flight_id = f.id AND p.status = 'failed'),
                (SELECT COUNT(*)::int FROM detections d WHERE d.flight_id = f.id),
                (SELECT COUNT(*)::int FROM hazards h WHERE h.flight_id = f.id AND h.status = 'candidate'),
                (SELECT COUNT(*)::int FROM hazards h WHERE h.flight_id = f.id AND h.status = 'confirmed'),
                (SELECT COUNT(*)::int FROM hazards h WHERE h.flight_id = f.id AND h.status = 'rejected'),
                (SELECT COUNT(*)::int FROM hazards h WHERE h.flight_id = f.id AND h.status = 'unsure'),
                (SELECT COUNT(*)::int FROM reviews r WHERE r.flight_id = f.id
                    AND r.hazard_id NOT IN (SELECT id FROM hazards h WHERE h.flight_id = f.id))
            FROM flights f {(flightId is null ? "" : "WHERE f.id = @id")}
            ORDER BY f.updated_at DESC, f.id;
            """);
        if (flightId is not null)
        {
            cmd.Add("id", flightId);
        }

        var rows = new List<(FlightRecord Flight, int[] Counts)>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                int[] counts = new int[9];
                for (int i = 0; i < counts.Length; i++)
                {
                    counts[i] = r.GetInt32(8 + i);
                }

                rows.Add((ReadFlight(r), counts));
            }
        }

        return rows.ConvertAll(row =>
        {
            var latest = ReadRuns(c, tx, "WHERE flight_id = @f ORDER BY id DESC LIMIT 1", ("f", row.Flight.Id)).FirstOrDefault();
            int[] n = row.Counts;
            return new FlightSummary(row.Flight, latest, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8]);
        });
    }
}
