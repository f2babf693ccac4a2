using System.Data.Common;
using System.Text;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;

namespace DroneScan.Storage;

/// <summary>Hazard points by id and the paged review queue: reads whose cost does not grow with the number of flights
/// or points (indexes of schema migration 7).</summary>
public abstract partial class SqlFlightStore
{
    /// <inheritdoc/>
    public FlightHazard? GetHazard(string hazardId)
    {
        ArgumentNullException.ThrowIfNull(hazardId);
        return Read((c, tx) =>
        {
            // The point and its observations in one query by the primary keys (a point without observations gets one
            // row of NULL detection columns); the hazard's own columns are prefixed so they do not meet the detection's.
            var rows = Query(c, tx, $"""
                SELECT h.id AS h_id, h.flight_id AS h_flight_id, h.lat AS h_lat, h.lon AS h_lon, h.class_name AS h_class_name,
                    h.class_votes_json AS h_class_votes_json, h.max_confidence AS h_max_confidence, h.mean_confidence AS h_mean_confidence,
                    h.n_obs AS h_n_obs, h.sigma_m AS h_sigma_m, h.r90_m AS h_r90_m, h.status AS h_status,
                    p.file_name AS photo_file_name, {ObservationColumns}
                FROM hazards h
                LEFT JOIN hazard_observations ho ON ho.hazard_id = h.id
                LEFT JOIN detections d ON d.flight_id = ho.flight_id AND d.photo_id = ho.photo_id AND d.detection_index = ho.detection_index
                LEFT JOIN photos p ON p.flight_id = d.flight_id AND p.photo_id = d.photo_id
                WHERE h.id = @id
                ORDER BY ho.ordinal;
                """, ("id", hazardId));
            if (rows.Count == 0)
            {
                return null;
            }

            var withObservation = rows.Where(r => !r.IsNull("photo_id")).ToList();
            var observations = withObservation.ConvertAll(ReadObservation);
            var fileNames = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var r in withObservation)
            {
                fileNames.TryAdd(r.Text("photo_id"), r.Text("photo_file_name"));
            }

            var reviews = ReadReviews(c, tx, "WHERE hazard_id = @id ORDER BY at, id", ("id", hazardId));
            var point = ReadHazardPoint(rows[0], observations, "h_");
            return new FlightHazard(rows[0].Text("h_flight_id"), Reviewed(point, reviews), fileNames);
        });
    }

    /// <inheritdoc/>
    public HazardPage GetHazardPage(HazardQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        return Read((c, tx) =>
        {
            var filters = new StringBuilder("WHERE 1 = 1");
            var parameters = new List<(string Name, object? Value)>();
            if (query.FlightId is { } flight)
            {
                filters.Append(" AND flight_id = @flight");
                parameters.Add(("flight", flight));
            }

            if (query.Status is { } status)
            {
                filters.Append(" AND status = @status");
                parameters.Add(("status", status));
            }

            if (query.ClassName is { } className)
            {
                filters.Append(" AND LOWER(class_name) = LOWER(@class)");
                parameters.Add(("class", className));
            }

            if (query.MinConfidence is { } min)
            {
                filters.Append(" AND max_confidence >= @min");
                parameters.Add(("min", min));
            }

            int? total = query.CountTotal
                ? Convert.ToInt32(ScalarInt64(c, tx, $"SELECT COUNT(*) FROM hazards {filters};", [.. parameters]))
                : null;

            // Keyset: descending is (max_confidence DESC, id ASC), ascending its exact reverse, so one index range
            // (flight, status, max_confidence DESC, id) serves both directions; the first inequality bounds the range.
            if (query.After is { } after)
            {
                filters.Append(query.Ascending
                    ? " AND max_confidence >= @after_conf AND (max_confidence > @after_conf OR id < @after_id)"
                    : " AND max_confidence <= @after_conf AND (max_confidence < @after_conf OR id > @after_id)");
                parameters.Add(("after_conf", after.MaxConfidence));
                parameters.Add(("after_id", after.Id));
            }

            string order = query.Ascending ? "max_confidence ASC, id DESC" : "max_confidence DESC, id ASC";
            bool all = query.Limit == int.MaxValue;
            string limit = all ? "" : " LIMIT @limit";
            if (!all)
            {
                // One more than asked: whether there is a next page.
                parameters.Add(("limit", query.Limit + 1));
            }

            var rows = Query(c, tx, $"SELECT {HazardColumns} FROM hazards {filters} ORDER BY {order}{limit};", [.. parameters]);
            bool more = !all && rows.Count > query.Limit;
            if (more)
            {
                rows.RemoveAt(rows.Count - 1);
            }

            var reviews = ReadReviews(c, tx, $"""
                WHERE hazard_id IN (SELECT id FROM hazards {filters} ORDER BY {order}{limit}) ORDER BY at, id
                """, [.. parameters])
                .GroupBy(r => r.HazardId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<ReviewRecord>)[.. g], StringComparer.Ordinal);
            var items = rows.ConvertAll(r => new QueuedHazard(
                r.Text("flight_id"),
                Reviewed(ReadHazardPoint(r, []), reviews.GetValueOrDefault(r.Text("id")) ?? []),
                r.Int32("n_obs")));
            var next = more ? new HazardCursor(items[^1].Hazard.Point.MaxConfidence, items[^1].Hazard.Point.Id) : null;
            return new HazardPage(items, next, total);
        });
    }

    /// <summary>The point with its latest review and final class, from its reviews oldest first.</summary>
    private static ReviewedHazard Reviewed(HazardPoint point, IReadOnlyList<ReviewRecord> reviews)
    {
        var latest = reviews.Count > 0 ? reviews[^1] : null;
        var reclassifications = reviews.Where(r => r.Decision == ReviewDecision.Reclassify).ToList();
        return new ReviewedHazard(
            point,
            latest is null ? null : new HazardReview(latest.Reviewer, latest.At, latest.Label, latest.Comment),
            reclassifications.Count > 0 ? ReviewRules.FinalClass("", reclassifications) : null);
    }
}
