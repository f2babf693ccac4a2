using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Sqlite;

public sealed partial class SqliteFlightStore
{
    /// <summary>Tables holding a flight's rows, children first (a constant list, never user input).</summary>
    private static readonly string[] FlightTables = ["hazards", "detections", "photos", "photo_tasks", "flight_work", "coverage", "suggested_areas", "runs"];

    /// <inheritdoc/>
    public void QueuePhotos(string flightId, IReadOnlyList<QueuedPhoto> photos)
    {
        ArgumentNullException.ThrowIfNull(photos);
        Write(nameof(QueuePhotos), (c, tx) =>
        {
            EnsureFlight(c, tx, flightId);
            using var cmd = Command(c, tx, """
                INSERT INTO photo_tasks (flight_id, photo_id, relative_path, done) VALUES ($flight, $photo, $path, 0)
                ON CONFLICT (flight_id, photo_id) DO NOTHING;
                """);
            cmd.Add("$flight", flightId);
            var photo = cmd.Add("$photo", null);
            var path = cmd.Add("$path", null);
            foreach (var p in photos)
            {
                photo.Value = p.PhotoId;
                path.Value = p.RelativePath;
                cmd.ExecuteNonQuery();
            }

            return 0;
        });
    }

    /// <inheritdoc/>
    public FlightWork StartWork(RunStart run)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.ModelSha256);
        return Write(nameof(StartWork), (c, tx) =>
        {
            EnsureFlight(c, tx, run.FlightId);
            if (ReadWork(c, tx, run.FlightId) is { } existing)
            {
                return existing;
            }

            var now = time.GetUtcNow();
            long runId = InsertRun(c, tx, run, now);
            using (var cmd = Command(c, tx, "INSERT INTO flight_work (flight_id, state, run_id, updated_at) VALUES ($flight, 'processing', $run, $now);"))
            {
                cmd.Add("$flight", run.FlightId);
                cmd.Add("$run", runId);
                cmd.Add("$now", now);
                cmd.ExecuteNonQuery();
            }

            return ReadWork(c, tx, run.FlightId)!;
        });
    }

    /// <inheritdoc/>
    public FlightWork? GetWork(string flightId) => Read((c, tx) => ReadWork(c, tx, flightId));

    /// <inheritdoc/>
    public IReadOnlyList<QueuedPhoto> GetQueuedPhotos(string flightId) => Read((c, tx) =>
    {
        using var cmd = Command(c, tx, "SELECT photo_id, relative_path, done FROM photo_tasks WHERE flight_id = $flight ORDER BY relative_path, photo_id;");
        cmd.Add("$flight", flightId);
        using var r = cmd.ExecuteReader();
        var list = new List<QueuedPhoto>();
        while (r.Read())
        {
            list.Add(new QueuedPhoto(r.GetString(0), r.GetString(1), r.GetInt32(2) == 1));
        }

        return (IReadOnlyList<QueuedPhoto>)list;
    });

    /// <inheritdoc/>
    public int MarkPhotoDone(string flightId, string photoId) => Write(nameof(MarkPhotoDone), (c, tx) =>
    {
        using (var cmd = Command(c, tx, "UPDATE photo_tasks SET done = 1 WHERE flight_id = $flight AND photo_id = $photo;"))
        {
            cmd.Add("$flight", flightId);
            cmd.Add("$photo", photoId);
            cmd.ExecuteNonQuery();
        }

        return CountRemaining(c, tx, flightId);
    });

    /// <inheritdoc/>
    public bool TryBeginFinalise(string flightId) => Write(nameof(TryBeginFinalise), (c, tx) =>
    {
        using var cmd = Command(c, tx, """
            UPDATE flight_work SET state = 'finalising', updated_at = $now
            WHERE flight_id = $flight AND state = 'processing'
              AND NOT EXISTS (SELECT 1 FROM photo_tasks t WHERE t.flight_id = $flight AND t.done = 0);
            """);
        cmd.Add("$flight", flightId);
        cmd.Add("$now", time.GetUtcNow());
        return cmd.ExecuteNonQuery() == 1;
    });

    /// <inheritdoc/>
    public void EndFinalise(string flightId) => Write(nameof(EndFinalise), (c, tx) =>
    {
        using var cmd = Command(c, tx, "UPDATE flight_work SET state = 'done', updated_at = $now WHERE flight_id = $flight;");
        cmd.Add("$flight", flightId);
        cmd.Add("$now", time.GetUtcNow());
        return cmd.ExecuteNonQuery();
    });

    /// <inheritdoc/>
    public bool DeleteFlight(string flightId) => Write(nameof(DeleteFlight), (c, tx) =>
    {
        using (var check = Command(c, tx, "SELECT (SELECT COUNT(*) FROM flights WHERE id = $flight), (SELECT COUNT(*) FROM reviews WHERE flight_id = $flight);"))
        {
            check.Add("$flight", flightId);
            using var r = check.ExecuteReader();
            r.Read();
            if (r.GetInt32(0) == 0)
            {
                return false;
            }

            if (r.GetInt32(1) > 0)
            {
                throw new InvalidOperationException($"flight {flightId} has {r.GetInt32(1)} review(s): reviews are an append-only audit trail, so the flight cannot be deleted");
            }
        }

        // Children first; detections cascade to hazard links.
        foreach (string table in FlightTables)
        {
            using var cmd = Command(c, tx, $"DELETE FROM {table} WHERE flight_id = $flight;");
            cmd.Add("$flight", flightId);
            cmd.ExecuteNonQuery();
        }

        using (var cmd = Command(c, tx, "DELETE FROM flights WHERE id = $flight;"))
        {
            cmd.Add("$flight", flightId);
            cmd.ExecuteNonQuery();
        }

        return true;
    });

    private static int CountRemaining(SqliteConnection c, SqliteTransaction tx, string flightId)
    {
        using var cmd = Command(c, tx, "SELECT COUNT(*) FROM photo_tasks WHERE flight_id = $flight AND done = 0;");
        cmd.Add("$flight", flightId);
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static FlightWork? ReadWork(SqliteConnection c, SqliteTransaction tx, string flightId)
    {
        using var cmd = Command(c, tx, """
            SELECT w.state, w.run_id, w.updated_at,
                (SELECT COUNT(*) FROM photo_tasks t WHERE t.flight_id = w.flight_id),
                (SELECT COUNT(*) FROM photo_tasks t WHERE t.flight_id = w.flight_id AND t.done = 1)
            FROM flight_work w WHERE w.flight_id = $flight;
            """);
        cmd.Add("$flight", flightId);
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new FlightWork(flightId, StoredValues.ParseEnum<FlightWorkState>(r.GetString(0)), r.GetInt64(1), r.GetInt32(3), r.GetInt32(4), SqlValues.FromIso(r.GetString(2)))
            : null;
    }
}
