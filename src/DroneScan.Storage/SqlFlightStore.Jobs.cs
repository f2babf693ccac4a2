using System.Data.Common;
using Dapper;
using DroneScan.Core.Flights;

namespace DroneScan.Storage;

/// <summary>
/// <see cref="IFlightJobStore"/>: the photo tasks and the finalise-once transition. Worker processes on several
/// machines call <see cref="MarkPhotoDone"/> and <see cref="TryBeginFinalise"/> at once, so both take the flight row
/// alone before they count: at READ COMMITTED two jobs marking the last two photos would otherwise each see the
/// other's photo still pending and neither would finalise. Under the lock the count after the update sees every
/// committed mark, and the conditional <c>processing → finalising</c> update is made by exactly one transaction.
/// </summary>
public abstract partial class SqlFlightStore
{
    /// <summary>Tables holding a flight's rows, children first (a constant list, never user input).</summary>
    private static readonly string[] FlightTables = ["hazards", "detections", "photos", "photo_tasks", "flight_work", "coverage", "suggested_areas", "runs"];

    /// <inheritdoc/>
    public void QueuePhotos(string flightId, IReadOnlyList<QueuedPhoto> photos)
    {
        ArgumentNullException.ThrowIfNull(photos);
        Write(nameof(QueuePhotos), (c, tx) =>
        {
            LockFlight(c, tx, flightId, exclusive: false);
            var rows = photos.Select(p => Parameters([("flight", flightId), ("photo", p.PhotoId), ("path", p.RelativePath)])).ToList();
            return rows.Count == 0 ? 0 : c.Execute("""
                INSERT INTO photo_tasks (flight_id, photo_id, relative_path, done) VALUES (@flight, @photo, @path, FALSE)
                ON CONFLICT (flight_id, photo_id) DO NOTHING;
                """, rows, tx);
        });
    }

    /// <inheritdoc/>
    public FlightWork StartWork(RunStart run)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.ModelSha256);
        return Write(nameof(StartWork), (c, tx) =>
        {
            // Alone on the flight: two plan jobs (a retry racing the original) add one run between them.
            LockFlight(c, tx, run.FlightId, exclusive: true);
            if (ReadWork(c, tx, run.FlightId) is { } existing)
            {
                return existing;
            }

            var now = Time.GetUtcNow();
            long runId = InsertRun(c, tx, run, now);
            Execute(c, tx, "INSERT INTO flight_work (flight_id, state, run_id, updated_at) VALUES (@flight, 'processing', @run, @now);",
                ("flight", run.FlightId), ("run", runId), ("now", now));
            return ReadWork(c, tx, run.FlightId)!;
        });
    }

    /// <inheritdoc/>
    public bool RestartWork(string flightId, FlightSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Write(nameof(RestartWork), (c, tx) =>
        {
            LockFlight(c, tx, flightId, exclusive: true);
            if (ReadWork(c, tx, flightId) is not { State: FlightWorkState.Done })
            {
                return false;
            }

            var now = Time.GetUtcNow();
            Execute(c, tx, "UPDATE flights SET settings_json = @settings, updated_at = @now WHERE id = @flight;",
                ("flight", flightId), ("settings", System.Text.Json.JsonSerializer.Serialize(settings)), ("now", now));
            Execute(c, tx, "DELETE FROM flight_work WHERE flight_id = @flight;", ("flight", flightId));
            Execute(c, tx, "UPDATE photo_tasks SET done = FALSE WHERE flight_id = @flight;", ("flight", flightId));
            return true;
        });
    }

    /// <inheritdoc/>
    public FlightWork? GetWork(string flightId) => Read((c, tx) => ReadWork(c, tx, flightId));

    /// <inheritdoc/>
    public IReadOnlyList<QueuedPhoto> GetQueuedPhotos(string flightId) => Read((c, tx) => (IReadOnlyList<QueuedPhoto>)Query(c, tx,
        "SELECT photo_id, relative_path, done FROM photo_tasks WHERE flight_id = @flight ORDER BY relative_path, photo_id;", ("flight", flightId))
        .ConvertAll(r => new QueuedPhoto(r.Text("photo_id"), r.Text("relative_path"), r.Bool("done"))));

    /// <inheritdoc/>
    public QueuedPhoto? GetQueuedPhoto(string flightId, string photoId) => Read((c, tx) => Query(c, tx,
        "SELECT photo_id, relative_path, done FROM photo_tasks WHERE flight_id = @flight AND photo_id = @photo;", ("flight", flightId), ("photo", photoId))
        .Select(r => new QueuedPhoto(r.Text("photo_id"), r.Text("relative_path"), r.Bool("done"))).FirstOrDefault());

    /// <inheritdoc/>
    public int MarkPhotoDone(string flightId, string photoId) => Write(nameof(MarkPhotoDone), (c, tx) =>
    {
        // Serialises the marks of one flight (see the class remarks); a flight deleted meanwhile has nothing left.
        if (!TryLockFlight(c, tx, flightId, exclusive: true))
        {
            return 0;
        }

        Execute(c, tx, "UPDATE photo_tasks SET done = TRUE WHERE flight_id = @flight AND photo_id = @photo;", ("flight", flightId), ("photo", photoId));
        return Convert.ToInt32(ScalarInt64(c, tx, "SELECT COUNT(*) FROM photo_tasks WHERE flight_id = @flight AND NOT done;", ("flight", flightId)));
    });

    /// <inheritdoc/>
    public bool TryBeginFinalise(string flightId) => Write(nameof(TryBeginFinalise), (c, tx) =>
        TryLockFlight(c, tx, flightId, exclusive: true)
        && Execute(c, tx, """
            UPDATE flight_work SET state = 'finalising', updated_at = @now
            WHERE flight_id = @flight AND state = 'processing'
              AND NOT EXISTS (SELECT 1 FROM photo_tasks t WHERE t.flight_id = @flight AND NOT t.done);
            """,
            ("flight", flightId), ("now", Time.GetUtcNow())) == 1);

    /// <inheritdoc/>
    public void EndFinalise(string flightId) => Write(nameof(EndFinalise), (c, tx) =>
        Execute(c, tx, "UPDATE flight_work SET state = 'done', updated_at = @now WHERE flight_id = @flight;", ("flight", flightId), ("now", Time.GetUtcNow())));

    /// <inheritdoc/>
    public bool DeleteFlight(string flightId) => Write(nameof(DeleteFlight), (c, tx) =>
    {
        if (!TryLockFlight(c, tx, flightId, exclusive: true))
        {
            return false;
        }

        long reviews = ScalarInt64(c, tx, "SELECT COUNT(*) FROM reviews WHERE flight_id = @flight;", ("flight", flightId));
        if (reviews > 0)
        {
            throw new InvalidOperationException($"flight {flightId} has {reviews} review(s): reviews are an append-only audit trail, so the flight cannot be deleted");
        }

        // Children first; detections and hazards cascade to hazard links.
        foreach (string table in FlightTables)
        {
            Execute(c, tx, $"DELETE FROM {table} WHERE flight_id = @flight;", ("flight", flightId));
        }

        Execute(c, tx, "DELETE FROM flights WHERE id = @flight;", ("flight", flightId));
        return true;
    });

    private FlightWork? ReadWork(DbConnection c, DbTransaction tx, string flightId) => Query(c, tx, """
        SELECT w.state, w.run_id, w.updated_at,
            (SELECT COUNT(*) FROM photo_tasks t WHERE t.flight_id = w.flight_id) AS photos_total,
            (SELECT COUNT(*) FROM photo_tasks t WHERE t.flight_id = w.flight_id AND t.done) AS photos_done
        FROM flight_work w WHERE w.flight_id = @flight;
        """, ("flight", flightId))
        .Select(r => new FlightWork(flightId, r.Enum<FlightWorkState>("state"), r.Int64("run_id"), r.Int32("photos_total"), r.Int32("photos_done"), r.Time("updated_at")))
        .FirstOrDefault();
}
