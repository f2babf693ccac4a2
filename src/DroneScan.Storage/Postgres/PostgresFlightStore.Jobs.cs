using Npgsql;

namespace DroneScan.Storage.Postgres;

/// <summary>
/// <see cref="IFlightJobStore"/>: the photo tasks and the finalise-once transition. Worker processes on several
/// machines call <see cref="MarkPhotoDone"/> and <see cref="TryBeginFinalise"/> at once, so both take the flight row
/// alone (<c>FOR UPDATE</c>) before they count: at READ COMMITTED two jobs marking the last two photos would
/// otherwise each see the other's photo still pending and neither would finalise. Under the lock the count after the
/// update sees every committed mark, and the conditional <c>processing → finalising</c> update is made by exactly one
/// transaction.
/// </summary>
public sealed partial class PostgresFlightStore
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
            if (photos.Count == 0)
            {
                return 0;
            }

            using var batch = new NpgsqlBatch(c, tx);
            foreach (var p in photos)
            {
                var cmd = new NpgsqlBatchCommand("""
                    INSERT INTO photo_tasks (flight_id, photo_id, relative_path, done) VALUES (@flight, @photo, @path, false)
                    ON CONFLICT (flight_id, photo_id) DO NOTHING;
                    """);
                cmd.Add("flight", flightId);
                cmd.Add("photo", p.PhotoId);
                cmd.Add("path", p.RelativePath);
                batch.BatchCommands.Add(cmd);
            }

            return batch.ExecuteNonQuery();
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

            var now = time.GetUtcNow();
            long runId = InsertRun(c, tx, run, now);

            Execute(c, tx, "INSERT INTO flight_work (flight_id, state, run_id, updated_at) VALUES (@flight, 'processing', @run, @now);",
                ("flight", run.FlightId), ("run", runId), ("now", now));
            return ReadWork(c, tx, run.FlightId)!;
        });
    }

    /// <inheritdoc/>
    public FlightWork? GetWork(string flightId) => Read((c, tx) => ReadWork(c, tx, flightId));

    /// <inheritdoc/>
    public IReadOnlyList<QueuedPhoto> GetQueuedPhotos(string flightId) => Read((c, tx) =>
    {
        using var cmd = Command(c, tx, "SELECT photo_id, relative_path, done FROM photo_tasks WHERE flight_id = @flight ORDER BY relative_path, photo_id;");
        cmd.Add("flight", flightId);
        using var r = cmd.ExecuteReader();
        var list = new List<QueuedPhoto>();
        while (r.Read())
        {
            list.Add(new QueuedPhoto(r.GetString(0), r.GetString(1), r.GetBoolean(2)));
        }

        return (IReadOnlyList<QueuedPhoto>)list;
    });

    /// <inheritdoc/>
    public int MarkPhotoDone(string flightId, string photoId) => Write(nameof(MarkPhotoDone), (c, tx) =>
    {
        // Serialises the marks of one flight (see the class remarks); a flight deleted meanwhile has nothing left.
        if (!TryLockFlightAlone(c, tx, flightId))
        {
            return 0;
        }

        Execute(c, tx, "UPDATE photo_tasks SET done = true WHERE flight_id = @flight AND photo_id = @photo;", ("flight", flightId), ("photo", photoId));
        return CountRemaining(c, tx, flightId);
    });

    /// <inheritdoc/>
    public bool TryBeginFinalise(string flightId) => Write(nameof(TryBeginFinalise), (c, tx) =>
        TryLockFlightAlone(c, tx, flightId)
        && Execute(c, tx, """
            UPDATE flight_work SET state = 'finalising', updated_at = @now
            WHERE flight_id = @flight AND state = 'processing'
              AND NOT EXISTS (SELECT 1 FROM photo_tasks t WHERE t.flight_id = @flight AND NOT t.done);
            """,
            ("flight", flightId), ("now", time.GetUtcNow())) == 1);

    /// <inheritdoc/>
    public void EndFinalise(string flightId) => Write(nameof(EndFinalise), (c, tx) =>
        Execute(c, tx, "UPDATE flight_work SET state = 'done', updated_at = @now WHERE flight_id = @flight;", ("flight", flightId), ("now", time.GetUtcNow())));

    /// <inheritdoc/>
    public bool DeleteFlight(string flightId) => Write(nameof(DeleteFlight), (c, tx) =>
    {
        if (!TryLockFlightAlone(c, tx, flightId))
        {
            return false;
        }

        using (var check = Command(c, tx, "SELECT COUNT(*)::int FROM reviews WHERE flight_id = @flight;"))
        {
            check.Add("flight", flightId);
            int reviews = (int)check.ExecuteScalar()!;
            if (reviews > 0)
            {
                throw new InvalidOperationException($"flight {flightId} has {reviews} review(s): reviews are an append-only audit trail, so the flight cannot be deleted");
            }
        }

        // Children first; detections and hazards cascade to hazard links.
        foreach (string table in FlightTables)
        {
            Execute(c, tx, $"DELETE FROM {table} WHERE flight_id = @flight;", ("flight", flightId));
        }

        Execute(c, tx, "DELETE FROM flights WHERE id = @flight;", ("flight", flightId));
        return true;
    });

    /// <summary>Locks the flight row <c>FOR UPDATE</c>; false when there is no such flight.</summary>
    private static bool TryLockFlightAlone(NpgsqlConnection c, NpgsqlTransaction tx, string flightId)
    {
        using var cmd = Command(c, tx, "SELECT 1 FROM flights WHERE id = @id FOR UPDATE;");
        cmd.Add("id", flightId);
        return cmd.ExecuteScalar() is not null;
    }

    private static int CountRemaining(NpgsqlConnection c, NpgsqlTransaction tx, string flightId)
    {
        using var cmd = Command(c, tx, "SELECT COUNT(*)::int FROM photo_tasks WHERE flight_id = @flight AND NOT done;");
        cmd.Add("flight", flightId);
        return (int)cmd.ExecuteScalar()!;
    }

    private static FlightWork? ReadWork(NpgsqlConnection c, NpgsqlTransaction tx, string flightId)
    {
        using var cmd = Command(c, tx, """
            SELECT w.state, w.run_id, w.updated_at,
                (SELECT COUNT(*)::int FROM photo_tasks t WHERE t.flight_id = w.flight_id),
                (SELECT COUNT(*)::int FROM photo_tasks t WHERE t.flight_id = w.flight_id AND t.done)
            FROM flight_work w WHERE w.flight_id = @flight;
            """);
        cmd.Add("flight", flightId);
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new FlightWork(flightId, StoredValues.ParseEnum<FlightWorkState>(r.GetString(0)), r.GetInt64(1), r.GetInt32(3), r.GetInt32(4), r.GetTime(2))
            : null;
    }
}
