using System.Data.Common;
using Dapper;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using NetTopologySuite.Geometries;

namespace DroneScan.Storage;

/// <summary>
/// The one SQL implementation of <see cref="IFlightStore"/>, <see cref="IFlightJobStore"/> and <see cref="IUserStore"/>:
/// the same statements and rules on every database, through Dapper over <see cref="DbConnection"/>. What differs
/// between databases is a small dialect, the abstract members a subclass supplies
/// (<see cref="Sqlite.SqliteFlightStore"/>, <see cref="Postgres.PostgresFlightStore"/>): how a connection opens, how a
/// write transaction starts (SQLite: <c>BEGIN IMMEDIATE</c>, one writer at a time; PostgreSQL: READ COMMITTED with
/// row locks on the flight), how a time is stored, which errors are retried and which mean "the database is
/// unavailable".
/// </summary>
/// <remarks>
/// Locks (no-ops on SQLite, whose writers are serialised anyway): photo writes share the flight row (<c>FOR SHARE</c>:
/// workers writing different photos run in parallel, and the photo row upsert orders two writers of one photo); run,
/// hazard and job-counter writes take it alone (<c>FOR UPDATE</c>: finalising sees a stable set of detections, and two
/// jobs marking the last two photos cannot each see the other's photo pending); a review locks the flight, then its
/// hazard row. Every write runs in one transaction; any exception rolls it back whole. Thread-safe.
/// </remarks>
public abstract partial class SqlFlightStore : IFlightStore, IFlightJobStore, IUserStore, IDisposable
{
    /// <summary>How many times a write runs at most when it keeps losing deadlocks or serialization checks.</summary>
    public const int MaxAttempts = 8;

    private protected SqlFlightStore(TimeProvider time, string description)
    {
        Time = time;
        Description = description;
    }

    /// <summary>Which database this is, for messages: the file, or host, port, database and schema (never a password).</summary>
    public string Description { get; }

    /// <summary>Test seam: called inside every write transaction just before it commits, with the operation name.
    /// Throwing from it rolls the whole operation back.</summary>
    internal Action<string>? BeforeCommit { get; set; }

    /// <summary>Writes retried after a deadlock or serialization failure since the store was opened.</summary>
    internal int Retries => retries;

    private protected TimeProvider Time { get; }

    private int retries;

    /// <summary>Closes the store's pooled connections.</summary>
    public abstract void Dispose();

    /// <summary>A new open connection.</summary>
    private protected abstract DbConnection OpenConnection();

    /// <summary>Starts a write transaction (see the class remarks).</summary>
    private protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>Starts a read transaction: one consistent snapshot across its queries.</summary>
    private protected abstract DbTransaction BeginRead(DbConnection connection);

    /// <summary>A time as the database keeps it (SQLite: fixed-width ISO 8601 UTC text; PostgreSQL: timestamptz).</summary>
    private protected abstract object ToDbTime(DateTimeOffset time);

    /// <summary>The row-lock clause appended to a <c>SELECT</c> ("" where the database has none).</summary>
    private protected abstract string LockClause(bool exclusive);

    /// <summary>A deadlock or serialization failure: the whole write may run again.</summary>
    private protected abstract bool IsRetryable(DbException e);

    /// <summary>A foreign-key or unique-constraint violation.</summary>
    private protected abstract bool IsConstraintViolation(DbException e);

    /// <summary>The user-facing form of a failure that is the disk's or another process's, not the data's (full disk,
    /// lock not granted in time); null for any other.</summary>
    private protected abstract StoreUnavailableException? Unavailable(DbException e);

    /// <inheritdoc/>
    public FlightRecord UpsertFlight(FlightDefinition flight)
    {
        ArgumentNullException.ThrowIfNull(flight);
        ArgumentException.ThrowIfNullOrWhiteSpace(flight.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(flight.Name);
        return Write(nameof(UpsertFlight), (c, tx) =>
        {
            Execute(c, tx, """
                INSERT INTO flights (id, name, source_folder, site, notes, uploaded_by, settings_json, status, created_at, updated_at)
                VALUES (@id, @name, @folder, @site, @notes, @by, @settings, 'created', @now, @now)
                ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name,
                    source_folder = COALESCE(excluded.source_folder, flights.source_folder),
                    site = COALESCE(excluded.site, flights.site),
                    notes = COALESCE(excluded.notes, flights.notes),
                    uploaded_by = COALESCE(excluded.uploaded_by, flights.uploaded_by),
                    settings_json = COALESCE(excluded.settings_json, flights.settings_json),
                    updated_at = excluded.updated_at;
                """,
                ("id", flight.Id), ("name", flight.Name), ("folder", flight.SourceFolder), ("site", flight.Site),
                ("notes", flight.Notes), ("by", flight.UploadedBy),
                ("settings", flight.Settings is { } settings ? System.Text.Json.JsonSerializer.Serialize(settings) : null), ("now", Time.GetUtcNow()));
            return Query(c, tx, $"SELECT {FlightColumns} FROM flights f WHERE f.id = @id;", ("id", flight.Id)).Select(ReadFlight).First();
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
            return InsertRun(c, tx, run, Time.GetUtcNow());
        });
    }

    /// <inheritdoc/>
    public RunRecord FinishRun(long runId, RunTotals totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return Write(nameof(FinishRun), (c, tx) =>
        {
            var run = ReadRuns(c, tx, "WHERE id = @id", ("id", runId)).FirstOrDefault()
                ?? throw new KeyNotFoundException($"no run {runId}");
            LockFlight(c, tx, run.FlightId, exclusive: true);
            var now = Time.GetUtcNow();
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
        c.ExecuteScalar<string?>("SELECT id FROM flights ORDER BY updated_at DESC, id LIMIT 1;", transaction: tx));

    /// <inheritdoc/>
    public FlightSummary? GetFlight(string flightId) => Read((c, tx) => ReadSummaries(c, tx, flightId).FirstOrDefault());

    /// <inheritdoc/>
    public FlightInfo? GetFlightInfo(string flightId) => Read((c, tx) => Query(c, tx, """
        SELECT f.id, f.name, r.model_name, r.model_version, r.model_sha256, r.finished_at
        FROM runs r JOIN flights f ON f.id = r.flight_id
        WHERE r.flight_id = @flight AND r.finished_at IS NOT NULL
        ORDER BY r.id DESC LIMIT 1;
        """, ("flight", flightId))
        .Select(r => new FlightInfo(r.Text("id"), r.Text("name"), r.Text("model_name"), r.Text("model_version"), r.Text("model_sha256"), r.Time("finished_at")))
        .FirstOrDefault());

    /// <summary>Runs <paramref name="work"/> in one write transaction; any exception rolls it all back. A deadlock or
    /// serialization failure runs the whole operation again (up to <see cref="MaxAttempts"/> times).</summary>
    /// <exception cref="StoreUnavailableException">The disk is full, or another process held the lock too long.</exception>
    private protected T Write<T>(string operation, Func<DbConnection, DbTransaction, T> work)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = OpenConnection();
                using var tx = BeginWrite(connection);
                T result = work(connection, tx);
                BeforeCommit?.Invoke(operation);
                tx.Commit();
                return result;
            }
            catch (DbException e) when (IsRetryable(e) && attempt < MaxAttempts)
            {
                Interlocked.Increment(ref retries);

                // Jittered back-off so the two losers of a deadlock do not meet again at once.
                Thread.Sleep(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt));
            }
            catch (DbException e) when (Unavailable(e) is { } unavailable)
            {
                throw unavailable;
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> in one read transaction.</summary>
    /// <exception cref="StoreUnavailableException">Another process held the lock too long (e.g. a WAL recovery).</exception>
    private protected T Read<T>(Func<DbConnection, DbTransaction, T> work)
    {
        try
        {
            using var connection = OpenConnection();
            using var tx = BeginRead(connection);
            T result = work(connection, tx);
            tx.Commit();
            return result;
        }
        catch (DbException e) when (Unavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>Runs a statement; returns the rows it changed.</summary>
    private int Execute(DbConnection c, DbTransaction tx, string sql, params (string Name, object? Value)[] parameters) =>
        c.Execute(sql, Parameters(parameters), tx);

    /// <summary>Runs a query; each row is read by column name.</summary>
    private List<StoredRow> Query(DbConnection c, DbTransaction tx, string sql, params (string Name, object? Value)[] parameters) =>
        c.Query(sql, Parameters(parameters), tx).Select(row => new StoredRow((IDictionary<string, object?>)row)).ToList();

    /// <summary>The first column of the first row of a query that returns one (a count, an inserted id).</summary>
    private long ScalarInt64(DbConnection c, DbTransaction tx, string sql, params (string Name, object? Value)[] parameters) =>
        Convert.ToInt64(c.ExecuteScalar(sql, Parameters(parameters), tx), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parameters in the form the database keeps: times per dialect, geometries as WKT, enums as lower-case text.</summary>
    private DynamicParameters Parameters((string Name, object? Value)[] parameters)
    {
        var result = new DynamicParameters();
        foreach (var (name, value) in parameters)
        {
            result.Add(name, value switch
            {
                DateTimeOffset t => ToDbTime(t),
                Geometry g => StoredValues.ToWkt(g),
                Enum e => e.ToString().ToLowerInvariant(),
                _ => value,
            });
        }

        return result;
    }

    /// <summary>Locks the flight row for this transaction, shared or alone (see the class remarks).</summary>
    /// <exception cref="KeyNotFoundException">No such flight.</exception>
    private void LockFlight(DbConnection c, DbTransaction tx, string flightId, bool exclusive)
    {
        if (!TryLockFlight(c, tx, flightId, exclusive))
        {
            throw new KeyNotFoundException($"no flight '{flightId}'");
        }
    }

    /// <summary>As <see cref="LockFlight"/>; false when there is no such flight.</summary>
    private bool TryLockFlight(DbConnection c, DbTransaction tx, string flightId, bool exclusive) =>
        Query(c, tx, $"SELECT 1 AS found FROM flights WHERE id = @id{LockClause(exclusive)};", ("id", flightId)).Count > 0;

    /// <summary>Inserts a run of the flight (model identity, options, start time) and marks the flight scanning.</summary>
    private long InsertRun(DbConnection c, DbTransaction tx, RunStart run, DateTimeOffset now)
    {
        long id = ScalarInt64(c, tx, """
            INSERT INTO runs (flight_id, model_name, model_version, model_sha256, options_json, started_at)
            VALUES (@flight, @name, @version, @sha, @options, @now) RETURNING id;
            """,
            ("flight", run.FlightId), ("name", run.ModelName), ("version", run.ModelVersion),
            ("sha", run.ModelSha256.ToLowerInvariant()), ("options", run.OptionsJson), ("now", now));
        SetFlightStatus(c, tx, run.FlightId, "'scanning'", now);
        return id;
    }

    // statusSql: an SQL expression for the new status (a constant literal or a CASE on the old one), never user input.
    private void SetFlightStatus(DbConnection c, DbTransaction tx, string flightId, string statusSql, DateTimeOffset now) =>
        Execute(c, tx, $"UPDATE flights SET status = {statusSql}, updated_at = @now WHERE id = @id;", ("id", flightId), ("now", now));

    private const string FlightColumns = "f.id, f.name, f.source_folder, f.site, f.notes, f.status, f.created_at, f.updated_at, f.uploaded_by, f.settings_json";

    private const string RunColumns = """
        model_name, model_version, model_sha256, options_json, started_at, finished_at,
        photos_total, photos_processed, photos_resumed, photos_skipped, photos_failed, detections, hazards
        """;

    private static FlightRecord ReadFlight(StoredRow r) => new(
        r.Text("id"), r.Text("name"), r.TextOrNull("source_folder"), r.TextOrNull("site"), r.TextOrNull("notes"),
        r.Enum<FlightStatus>("status"), r.Time("created_at"), r.Time("updated_at"), r.TextOrNull("uploaded_by"),
        r.TextOrNull("settings_json") is { } json ? System.Text.Json.JsonSerializer.Deserialize<FlightSettings>(json) : new FlightSettings());

    /// <summary>A run from a row holding <see cref="RunColumns"/> with its id as <c>run_id</c> and flight as
    /// <c>run_flight_id</c>.</summary>
    private static RunRecord ReadRun(StoredRow r) => new(
        r.Int64("run_id"), r.Text("run_flight_id"), r.Text("model_name"), r.Text("model_version"), r.Text("model_sha256"),
        r.Text("options_json"), r.Time("started_at"), r.TimeOrNull("finished_at"),
        r.IsNull("photos_total") ? null : new RunTotals(
            r.Int32("photos_total"), r.Int32("photos_processed"), r.Int32("photos_resumed"), r.Int32("photos_skipped"),
            r.Int32("photos_failed"), r.Int32("detections"), r.Int32("hazards")));

    private List<RunRecord> ReadRuns(DbConnection c, DbTransaction tx, string where, params (string Name, object? Value)[] parameters) =>
        Query(c, tx, $"SELECT id AS run_id, flight_id AS run_flight_id, {RunColumns} FROM runs {where};", parameters).ConvertAll(ReadRun);

    /// <summary>Flights with their counts and latest run, in one query.</summary>
    private List<FlightSummary> ReadSummaries(DbConnection c, DbTransaction tx, string? flightId) => Query(c, tx, $"""
        SELECT {FlightColumns},
            (SELECT COUNT(*) FROM photos p WHERE p.flight_id = f.id AND p.status = 'ok') AS ok_photos,
            (SELECT COUNT(*) FROM photos p WHERE p.flight_id = f.id AND p.status = 'skipped') AS skipped_photos,
            (SELECT COUNT(*) FROM photos p WHERE p.flight_id = f.id AND p.status = 'failed') AS failed_photos,
            (SELECT COUNT(*) FROM detections d WHERE d.flight_id = f.id) AS detection_count,
            (SELECT COUNT(*) FROM hazards h WHERE h.flight_id = f.id AND h.status = 'candidate') AS hazards_candidate,
            (SELECT COUNT(*) FROM hazards h WHERE h.flight_id = f.id AND h.status = 'confirmed') AS hazards_confirmed,
            (SELECT COUNT(*) FROM hazards h WHERE h.flight_id = f.id AND h.status = 'rejected') AS hazards_rejected,
            (SELECT COUNT(*) FROM hazards h WHERE h.flight_id = f.id AND h.status = 'unsure') AS hazards_unsure,
            (SELECT COUNT(*) FROM reviews rv WHERE rv.flight_id = f.id
                AND rv.hazard_id NOT IN (SELECT id FROM hazards h WHERE h.flight_id = f.id)) AS orphan_reviews,
            r.id AS run_id, r.flight_id AS run_flight_id,
            r.model_name, r.model_version, r.model_sha256, r.options_json, r.started_at, r.finished_at,
            r.photos_total, r.photos_processed, r.photos_resumed, r.photos_skipped, r.photos_failed, r.detections, r.hazards
        FROM flights f
        LEFT JOIN runs r ON r.id = (SELECT MAX(id) FROM runs WHERE flight_id = f.id)
        {(flightId is null ? "" : "WHERE f.id = @id")}
        ORDER BY f.updated_at DESC, f.id;
        """, flightId is null ? [] : [("id", flightId)])
        .ConvertAll(r => new FlightSummary(
            ReadFlight(r),
            r.IsNull("run_id") ? null : ReadRun(r),
            r.Int32("ok_photos"), r.Int32("skipped_photos"), r.Int32("failed_photos"), r.Int32("detection_count"),
            r.Int32("hazards_candidate"), r.Int32("hazards_confirmed"), r.Int32("hazards_rejected"), r.Int32("hazards_unsure"),
            r.Int32("orphan_reviews")));
}
