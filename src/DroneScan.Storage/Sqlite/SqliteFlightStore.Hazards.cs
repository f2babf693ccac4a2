using System.Text.Json;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Hazards;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;

namespace DroneScan.Storage.Sqlite;

public sealed partial class SqliteFlightStore
{
    /// <summary>Sets each selected hazard's status from its latest review (by time, then insertion order), or
    /// <c>candidate</c> when it has none. Append the WHERE clause.</summary>
    private const string RefreshStatusSql = $"""
        UPDATE hazards SET status = COALESCE(
            (SELECT {StoredValues.DecisionToStatusSql} FROM reviews r WHERE r.hazard_id = hazards.id
             ORDER BY r.at DESC, r.id DESC LIMIT 1),
            'candidate')
        """;

    private const string ReviewColumns = "id, hazard_id, flight_id, decision, label, comment, reviewer, at";

    /// <inheritdoc/>
    public HazardReplaceResult ReplaceHazards(string flightId, IReadOnlyList<HazardPoint> hazards, CoverageLayer coverage, IReadOnlyList<SuggestedHazardArea> areas)
    {
        ArgumentNullException.ThrowIfNull(hazards);
        ArgumentNullException.ThrowIfNull(coverage);
        ArgumentNullException.ThrowIfNull(areas);
        return Write(nameof(ReplaceHazards), (c, tx) =>
        {
            EnsureFlight(c, tx, flightId);
            var now = time.GetUtcNow();

            // A point that survives a re-run keeps the time it was first found.
            var createdAt = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var cmd = Command(c, tx, "SELECT id, created_at FROM hazards WHERE flight_id = $flight;"))
            {
                cmd.Add("$flight", flightId);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    createdAt[r.GetString(0)] = r.GetString(1);
                }
            }

            Execute(c, tx, "DELETE FROM hazards WHERE flight_id = $flight;", ("$flight", flightId));
            InsertHazards(c, tx, flightId, hazards, createdAt, now);
            Execute(c, tx, RefreshStatusSql + " WHERE flight_id = $flight;", ("$flight", flightId));

            int reviewed;
            using (var cmd = Command(c, tx, "SELECT COUNT(*) FROM hazards h WHERE h.flight_id = $flight AND EXISTS (SELECT 1 FROM reviews r WHERE r.hazard_id = h.id);"))
            {
                cmd.Add("$flight", flightId);
                reviewed = Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }

            var orphans = new List<string>();
            using (var cmd = Command(c, tx, """
                SELECT DISTINCT hazard_id FROM reviews
                WHERE flight_id = $flight AND hazard_id NOT IN (SELECT id FROM hazards WHERE flight_id = $flight)
                ORDER BY hazard_id;
                """))
            {
                cmd.Add("$flight", flightId);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    orphans.Add(r.GetString(0));
                }
            }

            Execute(c, tx, """
                INSERT INTO coverage (flight_id, covered_wkt, area_m2, max_gsd_m, photo_count, updated_at)
                VALUES ($flight, $wkt, $area, $gsd, $n, $now)
                ON CONFLICT (flight_id) DO UPDATE SET covered_wkt = excluded.covered_wkt, area_m2 = excluded.area_m2,
                    max_gsd_m = excluded.max_gsd_m, photo_count = excluded.photo_count, updated_at = excluded.updated_at;
                """,
                ("$flight", flightId), ("$wkt", coverage.Covered), ("$area", coverage.AreaM2), ("$gsd", coverage.MaxGsdM),
                ("$n", coverage.PhotoCount), ("$now", now));

            Execute(c, tx, "DELETE FROM suggested_areas WHERE flight_id = $flight;", ("$flight", flightId));
            foreach (var a in areas)
            {
                Execute(c, tx, """
                    INSERT INTO suggested_areas (flight_id, id, area_wkt, area_m2, hazard_ids_json, buffer_m)
                    VALUES ($flight, $id, $wkt, $area, $ids, $buffer);
                    """,
                    ("$flight", flightId), ("$id", a.Id), ("$wkt", a.Area), ("$area", a.AreaM2),
                    ("$ids", JsonSerializer.Serialize(a.HazardIds)), ("$buffer", a.BufferM));
            }

            SetFlightStatus(c, tx, flightId, "'finalised'", now);
            return new HazardReplaceResult(hazards.Count, reviewed, orphans);
        });
    }

    /// <inheritdoc/>
    public ReviewRecord AddReview(string hazardId, ReviewDecision decision, string? label, string? comment, string reviewer, DateTimeOffset? at = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hazardId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        if (decision == ReviewDecision.Reclassify && string.IsNullOrWhiteSpace(label))
        {
            throw new ArgumentException($"reclassifying hazard {hazardId} needs the new class as the label", nameof(label));
        }

        return Write(nameof(AddReview), (c, tx) =>
        {
            string flightId;
            using (var cmd = Command(c, tx, "SELECT flight_id FROM hazards WHERE id = $id;"))
            {
                cmd.Add("$id", hazardId);
                flightId = cmd.ExecuteScalar() as string ?? throw new KeyNotFoundException($"{Path}: no hazard point '{hazardId}'");
            }

            var now = time.GetUtcNow();
            Execute(c, tx, """
                INSERT INTO reviews (hazard_id, flight_id, decision, label, comment, reviewer, at)
                VALUES ($hazard, $flight, $decision, $label, $comment, $reviewer, $at);
                """,
                ("$hazard", hazardId), ("$flight", flightId), ("$decision", decision), ("$label", label),
                ("$comment", comment), ("$reviewer", reviewer), ("$at", at ?? now));
            long id = LastInsertId(c, tx);
            Execute(c, tx, RefreshStatusSql + ", updated_at = $now WHERE id = $id;", ("$id", hazardId), ("$now", now));
            return ReadReviews(c, tx, "WHERE id = $id", ("$id", id))[0];
        });
    }

    /// <inheritdoc/>
    public IReadOnlyList<ReviewedHazard> GetHazards(string flightId, HazardStatus? status = null) => Read((c, tx) =>
    {
        var observations = new Dictionary<string, List<Observation>>(StringComparer.Ordinal);
        using (var cmd = Command(c, tx, $"""
            SELECT ho.hazard_id, {ObservationColumns}
            FROM hazard_observations ho
            JOIN detections d ON d.flight_id = ho.flight_id AND d.photo_id = ho.photo_id AND d.detection_index = ho.detection_index
            WHERE ho.flight_id = $flight ORDER BY ho.hazard_id, ho.ordinal;
            """))
        {
            cmd.Add("$flight", flightId);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                string id = r.GetString(0);
                if (!observations.TryGetValue(id, out var list))
                {
                    observations[id] = list = [];
                }

                list.Add(ReadObservation(r, 1));
            }
        }

        var latest = new Dictionary<string, ReviewRecord>(StringComparer.Ordinal);
        foreach (var review in ReadReviews(c, tx, "WHERE flight_id = $flight ORDER BY at, id", ("$flight", flightId)))
        {
            latest[review.HazardId] = review;
        }

        using var hazardCmd = Command(c, tx, $"""
            SELECT id, lat, lon, class_name, class_votes_json, max_confidence, mean_confidence, sigma_m, r90_m, status
            FROM hazards WHERE flight_id = $flight {(status is null ? "" : "AND status = $status")}
            ORDER BY max_confidence DESC, id;
            """);
        hazardCmd.Add("$flight", flightId);
        if (status is { } s)
        {
            hazardCmd.Add("$status", s);
        }

        using var h = hazardCmd.ExecuteReader();
        var result = new List<ReviewedHazard>();
        while (h.Read())
        {
            string id = h.GetString(0);
            var point = new HazardPoint(
                id,
                new GeoPoint(h.GetDouble(1), h.GetDouble(2)),
                h.GetString(3),
                JsonSerializer.Deserialize<Dictionary<string, int>>(h.GetString(4)) ?? [],
                h.GetDouble(5),
                h.GetDouble(6),
                observations.TryGetValue(id, out var obs) ? obs : [],
                h.GetDouble(7),
                h.GetDouble(8),
                StoredValues.ParseEnum<HazardStatus>(h.GetString(9)));
            var review = latest.TryGetValue(id, out var lr) ? new HazardReview(lr.Reviewer, lr.At, lr.Label, lr.Comment) : null;
            result.Add(new ReviewedHazard(point, review));
        }

        return (IReadOnlyList<ReviewedHazard>)result;
    });

    /// <inheritdoc/>
    public IReadOnlyList<ReviewRecord> GetReviewHistory(string hazardId) =>
        Read((c, tx) => (IReadOnlyList<ReviewRecord>)ReadReviews(c, tx, "WHERE hazard_id = $id ORDER BY at, id", ("$id", hazardId)));

    /// <inheritdoc/>
    public IReadOnlyList<ReviewRecord> GetOrphanReviews(string flightId) =>
        Read((c, tx) => (IReadOnlyList<ReviewRecord>)ReadReviews(c, tx, """
            WHERE flight_id = $flight AND hazard_id NOT IN (SELECT id FROM hazards WHERE flight_id = $flight)
            ORDER BY at, id
            """, ("$flight", flightId)));

    /// <inheritdoc/>
    public CoverageLayer? GetCoverage(string flightId) => Read((c, tx) =>
    {
        using var cmd = Command(c, tx, "SELECT covered_wkt, area_m2, max_gsd_m, photo_count FROM coverage WHERE flight_id = $flight;");
        cmd.Add("$flight", flightId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new CoverageLayer(StoredValues.FromWkt(r.GetString(0)), r.GetDouble(1), r.GetDouble(2), r.GetInt32(3)) : null;
    });

    /// <inheritdoc/>
    public IReadOnlyList<SuggestedHazardArea> GetAreas(string flightId) => Read((c, tx) =>
    {
        using var cmd = Command(c, tx, "SELECT id, area_wkt, area_m2, hazard_ids_json, buffer_m FROM suggested_areas WHERE flight_id = $flight ORDER BY id;");
        cmd.Add("$flight", flightId);
        using var r = cmd.ExecuteReader();
        var list = new List<SuggestedHazardArea>();
        while (r.Read())
        {
            list.Add(new SuggestedHazardArea(
                r.GetString(0), (Polygon)StoredValues.FromWkt(r.GetString(1)), r.GetDouble(2),
                JsonSerializer.Deserialize<List<string>>(r.GetString(3)) ?? [], r.GetDouble(4)));
        }

        return (IReadOnlyList<SuggestedHazardArea>)list;
    });

    private static void InsertHazards(SqliteConnection c, SqliteTransaction tx, string flightId, IReadOnlyList<HazardPoint> hazards, Dictionary<string, string> createdAt, DateTimeOffset now)
    {
        foreach (var h in hazards)
        {
            object created = createdAt.TryGetValue(h.Id, out var old) ? old : now;
            Execute(c, tx, """
                INSERT INTO hazards (id, flight_id, lat, lon, class_name, class_votes_json, max_confidence, mean_confidence,
                    n_obs, sigma_m, r90_m, status, created_at, updated_at)
                VALUES ($id, $flight, $lat, $lon, $class, $votes, $max, $mean, $n, $sigma, $r90, 'candidate', $created, $now);
                """,
                ("$id", h.Id), ("$flight", flightId), ("$lat", h.Position.LatitudeDeg), ("$lon", h.Position.LongitudeDeg),
                ("$class", h.ClassName), ("$votes", JsonSerializer.Serialize(h.ClassVotes)), ("$max", h.MaxConfidence),
                ("$mean", h.MeanConfidence), ("$n", h.ObservationCount), ("$sigma", h.SigmaM), ("$r90", h.R90M),
                ("$created", created), ("$now", now));
            for (int i = 0; i < h.Observations.Count; i++)
            {
                var o = h.Observations[i];
                try
                {
                    Execute(c, tx, """
                        INSERT INTO hazard_observations (hazard_id, flight_id, photo_id, detection_index, ordinal)
                        VALUES ($hazard, $flight, $photo, $index, $ordinal);
                        """,
                        ("$hazard", h.Id), ("$flight", flightId), ("$photo", o.PhotoId), ("$index", o.DetectionIndex), ("$ordinal", i));
                }
                catch (SqliteException e) when (e.SqliteErrorCode == 19)
                {
                    // SQLITE_CONSTRAINT: the detection is not stored (or listed twice).
                    throw new InvalidOperationException(
                        $"hazard {h.Id}: observation {o.PhotoId}#{o.DetectionIndex} is not a stored detection of flight {flightId} (or appears twice)", e);
                }
            }
        }
    }

    private static List<ReviewRecord> ReadReviews(SqliteConnection c, SqliteTransaction tx, string whereAndOrder, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, $"SELECT {ReviewColumns} FROM reviews {whereAndOrder};");
        foreach (var (name, value) in parameters)
        {
            cmd.Add(name, value);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<ReviewRecord>();
        while (r.Read())
        {
            list.Add(new ReviewRecord(
                r.GetInt64(0), r.GetString(1), r.GetString(2), StoredValues.ParseEnum<ReviewDecision>(r.GetString(3)),
                r.GetStringOrNull(4), r.GetStringOrNull(5), r.GetString(6), SqlValues.FromIso(r.GetString(7))));
        }

        return list;
    }

    private static void Execute(SqliteConnection c, SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Add(name, value);
        }

        cmd.ExecuteNonQuery();
    }
}
