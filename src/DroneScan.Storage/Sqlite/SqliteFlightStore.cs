using System.Globalization;
using DroneScan.Core.Hazards;
using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Sqlite;

/// <summary>
/// <see cref="IFlightStore"/> on one SQLite file: WAL journal (readers never block the writer), foreign keys on,
/// a busy timeout so concurrent writers wait instead of failing, and one connection per call from the pool.
/// Every write runs in a <c>BEGIN IMMEDIATE</c> transaction: the write lock is taken up front, so a second writer
/// waits at the start rather than failing half-way with a stale snapshot. A full disk (SQLITE_FULL) and a lock
/// held past the busy timeout (SQLITE_BUSY/LOCKED) become a <see cref="StoreUnavailableException"/> naming the
/// file; the transaction is rolled back whole. Thread-safe.
/// </summary>
public sealed partial class SqliteFlightStore : IFlightStore, IFlightJobStore, IUserStore, IDisposable
{
    /// <summary>The CLI's default database file, relative to the working folder.</summary>
    public const string DefaultPath = "dronescan.db";

    private readonly string connectionString;
    private readonly TimeProvider time;
    private readonly int busyTimeoutMs;

    private SqliteFlightStore(string path, TimeProvider time, TimeSpan busyTimeout)
    {
        Path = path;
        this.time = time;
        busyTimeoutMs = (int)Math.Ceiling(busyTimeout.TotalMilliseconds);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Test seam: called inside every write transaction just before it commits, with the operation name.
    /// Throwing from it rolls the whole operation back.</summary>
    internal Action<string>? BeforeCommit { get; set; }

    /// <summary>Test seam: the largest the file may grow, in pages (SQLite's per-connection <c>max_page_count</c>),
    /// so that a write fails with a real SQLITE_FULL as on a full disk. Null: no limit. Setting it closes the pooled
    /// connections, which keep the limit they were opened with.</summary>
    internal long? MaxPageCount
    {
        get => maxPageCount;
        set
        {
            maxPageCount = value;
            Dispose();
        }
    }

    private long? maxPageCount;

    /// <summary>Opens (creating when absent) the database file and brings its schema up to date.</summary>
    /// <param name="path">Database file; its folder is created when missing.</param>
    /// <param name="time">The clock for created/updated/processed times.</param>
    /// <param name="busyTimeout">How long a write waits for another writer's lock (default 30 s).</param>
    public static SqliteFlightStore Open(string path, TimeProvider time, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(time);
        string full = System.IO.Path.GetFullPath(path);
        try
        {
            if (System.IO.Path.GetDirectoryName(full) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreOpenException($"{full}: cannot create the database's folder ({e.Message})", e);
        }

        var store = new SqliteFlightStore(full, time, busyTimeout ?? TimeSpan.FromSeconds(30));
        try
        {
            using var connection = store.OpenConnection();
            SqliteSchema.Migrate(connection, full, SqlValues.ToIso(time.GetUtcNow()));
        }
        catch (SqliteException e) when (store.Unavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 8 or 11 or 14 or 23 or 26)
        {
            // SQLITE_READONLY, CORRUPT, CANTOPEN, AUTH, NOTADB: the file is not usable as a DroneScan database.
            string why = e.SqliteErrorCode switch
            {
                26 => "not a database (another kind of file at this path?)",
                11 => "the database file is damaged",
                8 => "the database is read-only here",
                _ => "cannot open the database file (is the path a folder, or not writable?)",
            };
            throw new StoreOpenException($"{full}: {why}; SQLite said: {e.Message}", e);
        }

        return store;
    }

    /// <summary>Closes the pooled connections to the file (so it can be moved or deleted).</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <inheritdoc/>
    public FlightRecord UpsertFlight(FlightDefinition flight)
    {
        ArgumentNullException.ThrowIfNull(flight);
        ArgumentException.ThrowIfNullOrWhiteSpace(flight.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(flight.Name);
        return Write(nameof(UpsertFlight), (c, tx) =>
        {
            var now = time.GetUtcNow();
            using (var cmd = Command(c, tx, """
                INSERT INTO flights (id, name, source_folder, site, notes, status, created_at, updated_at)
                VALUES ($id, $name, $folder, $site, $notes, 'created', $now, $now)
                ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name,
                    source_folder = COALESCE(excluded.source_folder, source_folder),
                    site = COALESCE(excluded.site, site),
                    notes = COALESCE(excluded.notes, notes),
                    updated_at = excluded.updated_at;
                """))
            {
                cmd.Add("$id", flight.Id);
                cmd.Add("$name", flight.Name);
                cmd.Add("$folder", flight.SourceFolder);
                cmd.Add("$site", flight.Site);
                cmd.Add("$notes", flight.Notes);
                cmd.Add("$now", now);
                cmd.ExecuteNonQuery();
            }

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
            EnsureFlight(c, tx, run.FlightId);
            return InsertRun(c, tx, run, time.GetUtcNow());
        });
    }

    /// <inheritdoc/>
    public RunRecord FinishRun(long runId, RunTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return Write(nameof(FinishRun), (c, tx) =>
        {
            var run = ReadRun(c, tx, "WHERE id = $id", ("$id", runId)).FirstOrDefault()
                ?? throw new KeyNotFoundException($"{Path}: no run {runId}");
            var now = time.GetUtcNow();
            using (var cmd = Command(c, tx, """
                UPDATE runs SET finished_at = $now, photos_total = $total, photos_processed = $processed,
                    photos_resumed = $resumed, photos_skipped = $skipped, photos_failed = $failed,
                    detections = $detections, hazards = $hazards, elapsed_s = $elapsed
                WHERE id = $id;
                """))
            {
                cmd.Add("$id", runId);
                cmd.Add("$now", now);
                cmd.Add("$total", totals.PhotosTotal);
                cmd.Add("$processed", totals.PhotosProcessed);
                cmd.Add("$resumed", totals.PhotosResumed);
                cmd.Add("$skipped", totals.PhotosSkipped);
                cmd.Add("$failed", totals.PhotosFailed);
                cmd.Add("$detections", totals.Detections);
                cmd.Add("$hazards", totals.Hazards);
                cmd.Add("$elapsed", (now - run.StartedAt).TotalSeconds);
                cmd.ExecuteNonQuery();
            }

            // A flight finalised during the run stays finalised.
            SetFlightStatus(c, tx, run.FlightId, "CASE WHEN status = 'scanning' THEN 'scanned' ELSE status END", now);
            return ReadRun(c, tx, "WHERE id = $id", ("$id", runId))[0];
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
            WHERE r.flight_id = $flight AND r.finished_at IS NOT NULL
            ORDER BY r.id DESC LIMIT 1;
            """);
        cmd.Add("$flight", flightId);
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new FlightInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), SqlValues.FromIso(r.GetString(5)))
            : null;
    });

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {busyTimeoutMs};");
        cmd.ExecuteNonQuery();
        if (maxPageCount is { } pages)
        {
            cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA max_page_count = {pages};");
            cmd.ExecuteNonQuery();
        }

        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction; any exception rolls it all back.</summary>
    /// <exception cref="StoreUnavailableException">The disk is full, or another process held the lock too long.</exception>
    private T Write<T>(string operation, Func<SqliteConnection, SqliteTransaction, T> work)
    {
        try
        {
            using var connection = OpenConnection();
            using var tx = connection.BeginTransaction(deferred: false);
            T result = work(connection, tx);
            BeforeCommit?.Invoke(operation);
            tx.Commit();
            return result;
        }
        catch (SqliteException e) when (Unavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one read transaction: a consistent snapshot across its queries.</summary>
    /// <exception cref="StoreUnavailableException">Another process held the lock too long (e.g. a WAL recovery).</exception>
    private T Read<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        try
        {
            using var connection = OpenConnection();
            using var tx = connection.BeginTransaction(deferred: true);
            return work(connection, tx);
        }
        catch (SqliteException e) when (Unavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>The user-facing form of a failure that is the disk's or another process's, not the data's; null
    /// for any other error. SQLite reports ENOSPC and a file at its page limit alike as SQLITE_FULL (13).</summary>
    private StoreUnavailableException? Unavailable(SqliteException e) => e.SqliteErrorCode switch
    {
        13 => new StoreUnavailableException(Path, StoreProblem.Full,
            $"{Path}: disk full: the database cannot grow (database or disk is full); the last change was not saved. Free space and run again to resume", e),
        5 or 6 => new StoreUnavailableException(Path, StoreProblem.Locked,
            string.Create(CultureInfo.InvariantCulture, $"{Path}: database is locked by another process (waited {busyTimeoutMs / 1000.0:0.#} s for it); the last change was not saved. Try again when that process has finished"), e),
        _ => null,
    };

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static long LastInsertId(SqliteConnection c, SqliteTransaction tx)
    {
        using var cmd = Command(c, tx, "SELECT last_insert_rowid();");
        return (long)cmd.ExecuteScalar()!;
    }

    private void EnsureFlight(SqliteConnection c, SqliteTransaction tx, string flightId)
    {
        using var cmd = Command(c, tx, "SELECT 1 FROM flights WHERE id = $id;");
        cmd.Add("$id", flightId);
        if (cmd.ExecuteScalar() is null)
        {
            throw new KeyNotFoundException($"{Path}: no flight '{flightId}'");
        }
    }

    // statusSql: an SQL expression for the new status (a constant literal or a CASE on the old one), never user input.
    /// <summary>Inserts a run of the flight (model identity, options, start time) and marks the flight scanning.</summary>
    private static long InsertRun(SqliteConnection c, SqliteTransaction tx, RunStart run, DateTimeOffset now)
    {
        using (var cmd = Command(c, tx, """
            INSERT INTO runs (flight_id, model_name, model_version, model_sha256, options_json, started_at)
            VALUES ($flight, $name, $version, $sha, $options, $now);
            """))
        {
            cmd.Add("$flight", run.FlightId);
            cmd.Add("$name", run.ModelName);
            cmd.Add("$version", run.ModelVersion);
            cmd.Add("$sha", run.ModelSha256.ToLowerInvariant());
            cmd.Add("$options", run.OptionsJson);
            cmd.Add("$now", now);
            cmd.ExecuteNonQuery();
        }

        long id = LastInsertId(c, tx);
        SetFlightStatus(c, tx, run.FlightId, "'scanning'", now);
        return id;
    }

    private static void SetFlightStatus(SqliteConnection c, SqliteTransaction tx, string flightId, string statusSql, DateTimeOffset now)
    {
        using var cmd = Command(c, tx, $"UPDATE flights SET status = {statusSql}, updated_at = $now WHERE id = $id;");
        cmd.Add("$id", flightId);
        cmd.Add("$now", now);
        cmd.ExecuteNonQuery();
    }

    private static FlightRecord? ReadFlight(SqliteConnection c, SqliteTransaction tx, string flightId)
    {
        using var cmd = Command(c, tx, "SELECT id, name, source_folder, site, notes, status, created_at, updated_at FROM flights WHERE id = $id;");
        cmd.Add("$id", flightId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadFlight(r) : null;
    }

    private static FlightRecord ReadFlight(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetStringOrNull(2), r.GetStringOrNull(3), r.GetStringOrNull(4),
        StoredValues.ParseEnum<FlightStatus>(r.GetString(5)), SqlValues.FromIso(r.GetString(6)), SqlValues.FromIso(r.GetString(7)));

    private static List<RunRecord> ReadRun(SqliteConnection c, SqliteTransaction tx, string where, params (string Name, object Value)[] parameters)
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
                SqlValues.FromIso(r.GetString(6)), r.GetTimeOrNull(7), totals));
        }

        return runs;
    }

    private static List<FlightSummary> ReadSummaries(SqliteConnection c, SqliteTransaction tx, string? flightId)
    {
        using var cmd = Command(c, tx, $"""
            SELECT f.id, f.name, f.source_folder, f.site, f.notes, f.status, f.created_at, f.updated_at,
                (SELECT COUNT(*) FROM photos p WHERE p.flight_id = f.id AND p.status = 'ok'),
                (SELECT COUNT(*) FROM photos p WHERE p.flight_id = f.id AND p.status = 'skipped'),
                (SELECT COUNT(*) FROM photos p WHERE p.flight_id = f.id AND p.status = 'failed'),
                (SELECT COUNT(*) FROM detections d WHERE d.flight_id = f.id),
                (SELECT COUNT(*) FROM hazards h WHERE h.flight_id = f.id AND h.status = 'candidate'),
                (SELECT COUNT(*) FROM hazards h WHERE h.flight_id = f.id AND h.status = 'confirmed'),
                (SELECT COUNT(*) FROM hazards h WHERE h.flight_id = f.id AND h.status = 'rejected'),
                (SELECT COUNT(*) FROM hazards h WHERE h.flight_id = f.id AND h.status = 'unsure'),
                (SELECT COUNT(*) FROM reviews r WHERE r.flight_id = f.id
                    AND r.hazard_id NOT IN (SELECT id FROM hazards h WHERE h.flight_id = f.id))
            FROM flights f {(flightId is null ? "" : "WHERE f.id = $id")}
            ORDER BY f.updated_at DESC, f.id;
            """);
        if (flightId is not null)
        {
            cmd.Add("$id", flightId);
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
            var latest = ReadRun(c, tx, "WHERE flight_id = $f ORDER BY id DESC LIMIT 1", ("$f", row.Flight.Id)).FirstOrDefault();
            int[] n = row.Counts;
            return new FlightSummary(row.Flight, latest, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8]);
        });
    }
}
