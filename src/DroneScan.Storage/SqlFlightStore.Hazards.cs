using System.Data.Common;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Hazards;
using NetTopologySuite.Geometries;

namespace DroneScan.Storage;

public abstract partial class SqlFlightStore
{
    /// <summary>Sets each selected hazard's status from its latest review (by time, then insertion order), or
    /// <c>candidate</c> when it has none. Append the WHERE clause.</summary>
    private static readonly string RefreshStatusSql = $"""
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
            // Alone on the flight: no photo write or review of it runs until this commits.
            LockFlight(c, tx, flightId, exclusive: true);
            var now = Time.GetUtcNow();

            // A point that survives a re-run keeps the time it was first found (written back as stored).
            var createdAt = Query(c, tx, "SELECT id, created_at FROM hazards WHERE flight_id = @flight;", ("flight", flightId))
                .ToDictionary(r => r.Text("id"), r => r.Raw("created_at"), StringComparer.Ordinal);

            Execute(c, tx, "DELETE FROM hazards WHERE flight_id = @flight;", ("flight", flightId));
            InsertHazards(c, tx, flightId, hazards, createdAt, now);
            Execute(c, tx, RefreshStatusSql + " WHERE flight_id = @flight;", ("flight", flightId));

            int reviewed = Convert.ToInt32(ScalarInt64(c, tx,
                "SELECT COUNT(*) FROM hazards h WHERE h.flight_id = @flight AND EXISTS (SELECT 1 FROM reviews r WHERE r.hazard_id = h.id);",
                ("flight", flightId)));
            var orphans = Query(c, tx, """
                SELECT DISTINCT hazard_id FROM reviews
                WHERE flight_id = @flight AND hazard_id NOT IN (SELECT id FROM hazards WHERE flight_id = @flight)
                ORDER BY hazard_id;
                """, ("flight", flightId)).ConvertAll(r => r.Text("hazard_id"));

            Execute(c, tx, """
                INSERT INTO coverage (flight_id, covered_wkt, area_m2, max_gsd_m, photo_count, updated_at)
                VALUES (@flight, @wkt, @area, @gsd, @n, @now)
                ON CONFLICT (flight_id) DO UPDATE SET covered_wkt = excluded.covered_wkt, area_m2 = excluded.area_m2,
                    max_gsd_m = excluded.max_gsd_m, photo_count = excluded.photo_count, updated_at = excluded.updated_at;
                """,
                ("flight", flightId), ("wkt", coverage.Covered), ("area", coverage.AreaM2), ("gsd", coverage.MaxGsdM),
                ("n", coverage.PhotoCount), ("now", now));

            WriteAreas(c, tx, flightId, areas);
            SetFlightStatus(c, tx, flightId, "'finalised'", now);
            return new HazardReplaceResult(hazards.Count, reviewed, orphans);
        });
    }

    /// <inheritdoc/>
    public IReadOnlyList<SuggestedHazardArea> ReplaceAreas(string flightId, Func<IReadOnlyList<ReviewedHazard>, IReadOnlyList<SuggestedHazardArea>> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        return Write(nameof(ReplaceAreas), (c, tx) =>
        {
            LockFlight(c, tx, flightId, exclusive: true);
            var areas = build(ReadHazardPoints(c, tx, flightId));
            WriteAreas(c, tx, flightId, areas);
            return areas;
        });
    }

    private void WriteAreas(DbConnection c, DbTransaction tx, string flightId, IReadOnlyList<SuggestedHazardArea> areas)
    {
        Execute(c, tx, "DELETE FROM suggested_areas WHERE flight_id = @flight;", ("flight", flightId));
        foreach (var a in areas)
        {
            Execute(c, tx, """
                INSERT INTO suggested_areas (flight_id, id, area_wkt, area_m2, hazard_ids_json, buffer_m)
                VALUES (@flight, @id, @wkt, @area, @ids, @buffer);
                """,
                ("flight", flightId), ("id", a.Id), ("wkt", a.Area), ("area", a.AreaM2),
                ("ids", JsonSerializer.Serialize(a.HazardIds)), ("buffer", a.BufferM));
        }
    }

    /// <inheritdoc/>
    public ReviewRecord AddReview(
        string hazardId, ReviewDecision decision, string? label, string? comment, string reviewer, DateTimeOffset? at = null,
        Func<IReadOnlyList<ReviewedHazard>, IReadOnlyList<SuggestedHazardArea>>? buildAreas = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hazardId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        ReviewRules.Check(hazardId, decision, label);
        return Write(nameof(AddReview), (c, tx) =>
        {
            // Lock order flight, then hazard (as ReplaceHazards): waits out a hazard replace in progress, then
            // re-reads the point under the lock, so the status refresh below sees every committed review. A review that
            // will likely move the point across "rejected" takes the flight alone at once, as the areas rebuild needs.
            var (flightId, before) = HazardFlightAndStatus(c, tx, hazardId, lockRow: false);
            bool alone = buildAreas is not null && (decision == ReviewDecision.Reject || before == HazardStatus.Rejected);
            LockFlight(c, tx, flightId, exclusive: alone);
            (flightId, before) = HazardFlightAndStatus(c, tx, hazardId, lockRow: true);
            if (decision == ReviewDecision.Reclassify)
            {
                string modelClass = Query(c, tx, "SELECT class_name FROM hazards WHERE id = @id;", ("id", hazardId))[0].Text("class_name");
                var history = ReadReviews(c, tx, "WHERE hazard_id = @id AND decision = 'reclassify'", ("id", hazardId));
                ReviewRules.Check(hazardId, decision, label, ReviewRules.FinalClass(modelClass, history));
            }

            var now = Time.GetUtcNow();
            long id = InsertReview(c, tx, hazardId, flightId, decision, label, comment, reviewer, at ?? now);
            Execute(c, tx, RefreshStatusSql + ", updated_at = @now WHERE id = @id;", ("id", hazardId), ("now", now));
            if (buildAreas is not null
                && (before == HazardStatus.Rejected) != (HazardFlightAndStatus(c, tx, hazardId, lockRow: false).Status == HazardStatus.Rejected))
            {
                // Another review slipped in before the lock (rare): take the flight alone now (on PostgreSQL an upgrade
                // of the shared lock; a deadlock with another upgrade is retried by Write).
                if (!alone)
                {
                    LockFlight(c, tx, flightId, exclusive: true);
                }

                WriteAreas(c, tx, flightId, buildAreas(ReadHazardPoints(c, tx, flightId)));
            }

            return ReadReviews(c, tx, "WHERE id = @id", ("id", id))[0];
        });
    }

    /// <inheritdoc/>
    public IReadOnlyList<ReviewRecord> RejectCandidatesBelow(
        string flightId, double belowConfidence, string? comment, string reviewer, Func<IReadOnlyList<ReviewedHazard>, IReadOnlyList<SuggestedHazardArea>> buildAreas)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        ArgumentNullException.ThrowIfNull(buildAreas);
        return Write(nameof(RejectCandidatesBelow), (c, tx) =>
        {
            // Alone on the flight (as ReplaceAreas): no single review slips in between the choice of points, their
            // reviews and the areas rebuilt from the statuses they leave.
            LockFlight(c, tx, flightId, exclusive: true);
            var now = Time.GetUtcNow();
            var ids = Query(c, tx, """
                SELECT id FROM hazards WHERE flight_id = @flight AND status = 'candidate' AND max_confidence < @below
                ORDER BY max_confidence DESC, id;
                """, ("flight", flightId), ("below", belowConfidence)).ConvertAll(r => r.Text("id"));
            var reviewIds = new List<long>(ids.Count);
            foreach (string id in ids)
            {
                // One audit record per point, exactly as a single reject writes it.
                reviewIds.Add(InsertReview(c, tx, id, flightId, ReviewDecision.Reject, null, comment, reviewer, now));
            }

            if (ids.Count > 0)
            {
                Execute(c, tx, RefreshStatusSql + ", updated_at = @now WHERE flight_id = @flight AND status = 'candidate' AND max_confidence < @below;",
                    ("flight", flightId), ("below", belowConfidence), ("now", now));
                WriteAreas(c, tx, flightId, buildAreas(ReadHazardPoints(c, tx, flightId)));
            }

            return (IReadOnlyList<ReviewRecord>)reviewIds.ConvertAll(id => ReadReviews(c, tx, "WHERE id = @id", ("id", id))[0]);
        });
    }

    /// <inheritdoc/>
    public IReadOnlyList<ReviewedHazard> GetHazards(string flightId, HazardStatus? status = null) => Read((c, tx) => ReadHazards(c, tx, flightId, status));

    private List<ReviewedHazard> ReadHazards(DbConnection c, DbTransaction tx, string flightId, HazardStatus? status)
    {
        var observations = Query(c, tx, $"""
            SELECT ho.hazard_id, {ObservationColumns}
            FROM hazard_observations ho
            JOIN detections d ON d.flight_id = ho.flight_id AND d.photo_id = ho.photo_id AND d.detection_index = ho.detection_index
            WHERE ho.flight_id = @flight ORDER BY ho.hazard_id, ho.ordinal;
            """, ("flight", flightId))
            .GroupBy(r => r.Text("hazard_id"), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(ReadObservation).ToList(), StringComparer.Ordinal);

        var latest = new Dictionary<string, ReviewRecord>(StringComparer.Ordinal);
        var reclassified = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var review in ReadReviews(c, tx, "WHERE flight_id = @flight ORDER BY at, id", ("flight", flightId)))
        {
            latest[review.HazardId] = review;
        }

        foreach (var group in ReadReviews(c, tx, "WHERE flight_id = @flight AND decision = 'reclassify'", ("flight", flightId)).GroupBy(r => r.HazardId, StringComparer.Ordinal))
        {
            reclassified[group.Key] = ReviewRules.FinalClass("", group);
        }

        return Query(c, tx, $"""
            SELECT {HazardColumns}
            FROM hazards WHERE flight_id = @flight {(status is null ? "" : "AND status = @status")}
            ORDER BY max_confidence DESC, id;
            """, status is { } s ? [("flight", flightId), ("status", s)] : [("flight", flightId)])
            .ConvertAll(h =>
            {
                string id = h.Text("id");
                var point = ReadHazardPoint(h, observations.TryGetValue(id, out var obs) ? obs : []);
                var review = latest.TryGetValue(id, out var lr) ? new HazardReview(lr.Reviewer, lr.At, lr.Label, lr.Comment) : null;
                return new ReviewedHazard(point, review, reclassified.GetValueOrDefault(id));
            });
    }

    /// <inheritdoc/>
    public IReadOnlyList<ReviewRecord> GetReviewHistory(string hazardId) =>
        Read((c, tx) => (IReadOnlyList<ReviewRecord>)ReadReviews(c, tx, "WHERE hazard_id = @id ORDER BY at, id", ("id", hazardId)));

    /// <inheritdoc/>
    public IReadOnlyList<ReviewRecord> GetOrphanReviews(string flightId) =>
        Read((c, tx) => (IReadOnlyList<ReviewRecord>)ReadReviews(c, tx, """
            WHERE flight_id = @flight AND hazard_id NOT IN (SELECT id FROM hazards WHERE flight_id = @flight)
            ORDER BY at, id
            """, ("flight", flightId)));

    /// <inheritdoc/>
    public CoverageLayer? GetCoverage(string flightId) => Read((c, tx) => Query(c, tx,
        "SELECT covered_wkt, area_m2, max_gsd_m, photo_count FROM coverage WHERE flight_id = @flight;", ("flight", flightId))
        .Select(r => new CoverageLayer(r.Geometry("covered_wkt"), r.Double("area_m2"), r.Double("max_gsd_m"), r.Int32("photo_count")))
        .FirstOrDefault());

    /// <inheritdoc/>
    public IReadOnlyList<SuggestedHazardArea> GetAreas(string flightId) => Read((c, tx) => (IReadOnlyList<SuggestedHazardArea>)Query(c, tx,
        "SELECT id, area_wkt, area_m2, hazard_ids_json, buffer_m FROM suggested_areas WHERE flight_id = @flight ORDER BY id;", ("flight", flightId))
        .ConvertAll(r => new SuggestedHazardArea(
            r.Text("id"), (Polygon)r.Geometry("area_wkt"), r.Double("area_m2"),
            JsonSerializer.Deserialize<List<string>>(r.Text("hazard_ids_json")) ?? [], r.Double("buffer_m"))));

    /// <exception cref="KeyNotFoundException">No hazard point has this id.</exception>
    private (string FlightId, HazardStatus Status) HazardFlightAndStatus(DbConnection c, DbTransaction tx, string hazardId, bool lockRow) =>
        Query(c, tx, $"SELECT flight_id, status FROM hazards WHERE id = @id{(lockRow ? LockClause(exclusive: true) : "")};", ("id", hazardId))
            .Select(r => (r.Text("flight_id"), r.Enum<HazardStatus>("status"))).FirstOrDefault() is ({ } flight, var status)
            ? (flight, status)
            : throw new KeyNotFoundException($"no hazard point '{hazardId}'");

    /// <summary>The flight's points for an areas rebuild: position, class, confidences and status, without
    /// observations or reviews (one indexed range read).</summary>
    private List<ReviewedHazard> ReadHazardPoints(DbConnection c, DbTransaction tx, string flightId) =>
        Query(c, tx, $"SELECT {HazardColumns} FROM hazards WHERE flight_id = @flight ORDER BY max_confidence DESC, id;", ("flight", flightId))
            .ConvertAll(h => new ReviewedHazard(ReadHazardPoint(h, []), null));

    private const string HazardColumns = "id, flight_id, lat, lon, class_name, class_votes_json, max_confidence, mean_confidence, n_obs, sigma_m, r90_m, status";

    /// <summary>A point from a row holding <see cref="HazardColumns"/>, each name after <paramref name="prefix"/>.</summary>
    private static HazardPoint ReadHazardPoint(StoredRow h, IReadOnlyList<Observation> observations, string prefix = "") => new(
        h.Text(prefix + "id"),
        new GeoPoint(h.Double(prefix + "lat"), h.Double(prefix + "lon")),
        h.Text(prefix + "class_name"),
        JsonSerializer.Deserialize<Dictionary<string, int>>(h.Text(prefix + "class_votes_json")) ?? [],
        h.Double(prefix + "max_confidence"),
        h.Double(prefix + "mean_confidence"),
        observations,
        h.Double(prefix + "sigma_m"),
        h.Double(prefix + "r90_m"),
        h.Enum<HazardStatus>(prefix + "status"));

    private void InsertHazards(DbConnection c, DbTransaction tx, string flightId, IReadOnlyList<HazardPoint> hazards, Dictionary<string, object> createdAt, DateTimeOffset now)
    {
        foreach (var h in hazards)
        {
            Execute(c, tx, """
                INSERT INTO hazards (id, flight_id, lat, lon, class_name, class_votes_json, max_confidence, mean_confidence,
                    n_obs, sigma_m, r90_m, status, created_at, updated_at)
                VALUES (@id, @flight, @lat, @lon, @class, @votes, @max, @mean, @n, @sigma, @r90, 'candidate', @created, @now);
                """,
                ("id", h.Id), ("flight", flightId), ("lat", h.Position.LatitudeDeg), ("lon", h.Position.LongitudeDeg),
                ("class", h.ClassName), ("votes", JsonSerializer.Serialize(h.ClassVotes)), ("max", h.MaxConfidence),
                ("mean", h.MeanConfidence), ("n", h.ObservationCount), ("sigma", h.SigmaM), ("r90", h.R90M),
                ("created", createdAt.TryGetValue(h.Id, out var old) ? old : now), ("now", now));
            for (int i = 0; i < h.Observations.Count; i++)
            {
                var o = h.Observations[i];
                try
                {
                    Execute(c, tx, """
                        INSERT INTO hazard_observations (hazard_id, flight_id, photo_id, detection_index, ordinal)
                        VALUES (@hazard, @flight, @photo, @index, @ordinal);
                        """,
                        ("hazard", h.Id), ("flight", flightId), ("photo", o.PhotoId), ("index", o.DetectionIndex), ("ordinal", i));
                }
                catch (DbException e) when (IsConstraintViolation(e))
                {
                    throw new InvalidOperationException(
                        $"hazard {h.Id}: observation {o.PhotoId}#{o.DetectionIndex} is not a stored detection of flight {flightId} (or appears twice)", e);
                }
            }
        }
    }

    private long InsertReview(DbConnection c, DbTransaction tx, string hazardId, string flightId, ReviewDecision decision, string? label, string? comment, string reviewer, DateTimeOffset at) =>
        ScalarInt64(c, tx, """
            INSERT INTO reviews (hazard_id, flight_id, decision, label, comment, reviewer, at)
            VALUES (@hazard, @flight, @decision, @label, @comment, @reviewer, @at) RETURNING id;
            """,
            ("hazard", hazardId), ("flight", flightId), ("decision", decision), ("label", label),
            ("comment", comment), ("reviewer", reviewer), ("at", at));

    private List<ReviewRecord> ReadReviews(DbConnection c, DbTransaction tx, string whereAndOrder, params (string Name, object? Value)[] parameters) =>
        Query(c, tx, $"SELECT {ReviewColumns} FROM reviews {whereAndOrder};", parameters).ConvertAll(r => new ReviewRecord(
            r.Int64("id"), r.Text("hazard_id"), r.Text("flight_id"), r.Enum<ReviewDecision>("decision"),
            r.TextOrNull("label"), r.TextOrNull("comment"), r.Text("reviewer"), r.Time("at")));
}
