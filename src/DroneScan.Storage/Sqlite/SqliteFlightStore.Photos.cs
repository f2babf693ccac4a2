using DroneScan.Core.Detection;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;
using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Sqlite;

public sealed partial class SqliteFlightStore
{
    /// <summary>The detection columns, in the order <see cref="ReadObservation"/> reads them (table alias <c>d</c>).</summary>
    private const string ObservationColumns = """
        d.photo_id, d.detection_index, d.class_name, d.confidence, d.x1, d.y1, d.x2, d.y2, d.lat, d.lon,
        d.ground_box_wkt, d.sigma_m, d.r90_m, d.semi_major_m, d.semi_minor_m, d.major_axis_azimuth_deg,
        d.shared_sigma_m, d.captured_at
        """;

    /// <inheritdoc/>
    public void SavePhotoResult(string flightId, PhotoRecord photo, IReadOnlyList<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(observations);
        var indexes = new HashSet<int>();
        foreach (var o in observations)
        {
            if (o.PhotoId != photo.PhotoId)
            {
                throw new ArgumentException($"observation {o.DetectionIndex} belongs to photo {o.PhotoId}, not {photo.PhotoId} ({photo.FileName})", nameof(observations));
            }

            if (!indexes.Add(o.DetectionIndex))
            {
                throw new ArgumentException($"detection index {o.DetectionIndex} appears twice for {photo.FileName}", nameof(observations));
            }
        }

        Write(nameof(SavePhotoResult), (c, tx) =>
        {
            EnsureFlight(c, tx, flightId);
            UpsertPhoto(c, tx, flightId, photo, PhotoStatus.Ok, null);
            DeleteDetections(c, tx, flightId, photo.PhotoId);
            using var cmd = Command(c, tx, """
                INSERT INTO detections (flight_id, photo_id, detection_index, run_id, class_name, confidence,
                    x1, y1, x2, y2, lat, lon, sigma_m, r90_m, semi_major_m, semi_minor_m, major_axis_azimuth_deg,
                    shared_sigma_m, ground_box_wkt, captured_at)
                VALUES ($flight, $photo, $index, $run, $class, $conf, $x1, $y1, $x2, $y2, $lat, $lon, $sigma, $r90,
                    $major, $minor, $azimuth, $shared, $box, $captured);
                """);
            var p = new[]
            {
                cmd.Add("$flight", flightId), cmd.Add("$photo", photo.PhotoId), cmd.Add("$run", photo.RunId),
                cmd.Add("$index", null), cmd.Add("$class", null), cmd.Add("$conf", null),
                cmd.Add("$x1", null), cmd.Add("$y1", null), cmd.Add("$x2", null), cmd.Add("$y2", null),
                cmd.Add("$lat", null), cmd.Add("$lon", null), cmd.Add("$sigma", null), cmd.Add("$r90", null),
                cmd.Add("$major", null), cmd.Add("$minor", null), cmd.Add("$azimuth", null), cmd.Add("$shared", null),
                cmd.Add("$box", null), cmd.Add("$captured", null),
            };
            foreach (var o in observations)
            {
                var u = o.Uncertainty;
                object?[] values =
                [
                    o.DetectionIndex, o.ClassName, o.Confidence, o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2,
                    o.Position.LatitudeDeg, o.Position.LongitudeDeg, u.SigmaM, u.R90M, u.SemiMajorM, u.SemiMinorM,
                    u.MajorAxisAzimuthDeg, o.SharedSigmaM,
                    o.GroundBox is null ? null : StoredValues.ToWkt(o.GroundBox),
                    o.CaptureTime is { } t ? SqlValues.ToIso(t) : null,
                ];
                for (int i = 0; i < values.Length; i++)
                {
                    p[3 + i].Value = values[i] ?? DBNull.Value;
                }

                cmd.ExecuteNonQuery();
            }

            return 0;
        });
    }

    /// <inheritdoc/>
    public void MarkPhotoSkipped(string flightId, PhotoRecord photo, SkippedPhoto skipped) => MarkPhoto(flightId, photo, PhotoStatus.Skipped, skipped);

    /// <inheritdoc/>
    public void MarkPhotoFailed(string flightId, PhotoRecord photo, SkippedPhoto failure) => MarkPhoto(flightId, photo, PhotoStatus.Failed, failure);

    /// <inheritdoc/>
    public IReadOnlySet<string> GetProcessedPhotoIds(string flightId, string modelSha256)
    {
        ArgumentNullException.ThrowIfNull(modelSha256);
        return Read((c, tx) =>
        {
            using var cmd = Command(c, tx, """
                SELECT p.photo_id FROM photos p JOIN runs r ON r.id = p.run_id
                WHERE p.flight_id = $flight AND p.status = 'ok' AND r.model_sha256 = $sha;
                """);
            cmd.Add("$flight", flightId);
            cmd.Add("$sha", modelSha256.ToLowerInvariant());
            using var r = cmd.ExecuteReader();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            while (r.Read())
            {
                ids.Add(r.GetString(0));
            }

            return (IReadOnlySet<string>)ids;
        });
    }

    /// <inheritdoc/>
    public IReadOnlyList<Observation> LoadObservations(string flightId) => Read((c, tx) =>
    {
        using var cmd = Command(c, tx, $"""
            SELECT {ObservationColumns}
            FROM detections d JOIN photos p ON p.flight_id = d.flight_id AND p.photo_id = d.photo_id
            WHERE d.flight_id = $flight AND p.status = 'ok'
            ORDER BY d.photo_id, d.detection_index;
            """);
        cmd.Add("$flight", flightId);
        using var r = cmd.ExecuteReader();
        var list = new List<Observation>();
        while (r.Read())
        {
            list.Add(ReadObservation(r, 0));
        }

        return (IReadOnlyList<Observation>)list;
    });

    /// <inheritdoc/>
    public IReadOnlyList<PhotoCoverage> LoadPhotoCoverage(string flightId) => Read((c, tx) =>
    {
        using var cmd = Command(c, tx, """
            SELECT photo_id, file_name, footprint_wkt, gsd_m, captured_at FROM photos
            WHERE flight_id = $flight AND status = 'ok' ORDER BY photo_id;
            """);
        cmd.Add("$flight", flightId);
        using var r = cmd.ExecuteReader();
        var list = new List<PhotoCoverage>();
        while (r.Read())
        {
            list.Add(new PhotoCoverage(r.GetString(0), r.GetString(1), r.GetPolygonOrNull(2), r.GetDoubleOrNull(3), r.GetTimeOrNull(4)));
        }

        return (IReadOnlyList<PhotoCoverage>)list;
    });

    /// <inheritdoc/>
    public IReadOnlyList<SkippedPhoto> GetSkippedPhotos(string flightId) => Read((c, tx) =>
    {
        using var cmd = Command(c, tx, """
            SELECT file_name, reason_code, reason_message FROM photos
            WHERE flight_id = $flight AND status IN ('skipped', 'failed') ORDER BY file_name, photo_id;
            """);
        cmd.Add("$flight", flightId);
        using var r = cmd.ExecuteReader();
        var list = new List<SkippedPhoto>();
        while (r.Read())
        {
            list.Add(new SkippedPhoto(r.GetString(0), r.GetStringOrNull(1) ?? "", r.GetStringOrNull(2) ?? ""));
        }

        return (IReadOnlyList<SkippedPhoto>)list;
    });

    private static Observation ReadObservation(SqliteDataReader r, int first) => new(
        PhotoId: r.GetString(first),
        DetectionIndex: r.GetInt32(first + 1),
        ClassName: r.GetString(first + 2),
        Confidence: r.GetDouble(first + 3),
        Box: new PixelBox(r.GetDouble(first + 4), r.GetDouble(first + 5), r.GetDouble(first + 6), r.GetDouble(first + 7)),
        Position: new GeoPoint(r.GetDouble(first + 8), r.GetDouble(first + 9)),
        GroundBox: r.GetPolygonOrNull(first + 10),
        Uncertainty: new HorizontalUncertainty(r.GetDouble(first + 11), r.GetDouble(first + 12), r.GetDouble(first + 13), r.GetDouble(first + 14), r.GetDouble(first + 15)),
        SharedSigmaM: r.GetDouble(first + 16),
        CaptureTime: r.GetTimeOrNull(first + 17));

    private void MarkPhoto(string flightId, PhotoRecord photo, PhotoStatus status, SkippedPhoto reason)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(reason);
        Write("MarkPhoto" + status, (c, tx) =>
        {
            EnsureFlight(c, tx, flightId);
            UpsertPhoto(c, tx, flightId, photo, status, reason);
            DeleteDetections(c, tx, flightId, photo.PhotoId);
            return 0;
        });
    }

    private void UpsertPhoto(SqliteConnection c, SqliteTransaction tx, string flightId, PhotoRecord photo, PhotoStatus status, SkippedPhoto? reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(photo.PhotoId);
        using var cmd = Command(c, tx, """
            INSERT INTO photos (flight_id, photo_id, file_name, relative_path, size_bytes, width, height, captured_at,
                lat, lon, agl_m, gsd_m, footprint_wkt, metadata_json, status, reason_code, reason_message, run_id, processed_at)
            VALUES ($flight, $photo, $file, $rel, $size, $w, $h, $captured, $lat, $lon, $agl, $gsd, $footprint, $meta,
                $status, $code, $message, $run, $now)
            ON CONFLICT (flight_id, photo_id) DO UPDATE SET
                file_name = excluded.file_name, relative_path = excluded.relative_path, size_bytes = excluded.size_bytes,
                width = excluded.width, height = excluded.height, captured_at = excluded.captured_at,
                lat = excluded.lat, lon = excluded.lon, agl_m = excluded.agl_m, gsd_m = excluded.gsd_m,
                footprint_wkt = excluded.footprint_wkt, metadata_json = excluded.metadata_json, status = excluded.status,
                reason_code = excluded.reason_code, reason_message = excluded.reason_message, run_id = excluded.run_id,
                processed_at = excluded.processed_at;
            """);
        cmd.Add("$flight", flightId);
        cmd.Add("$photo", photo.PhotoId);
        cmd.Add("$file", photo.FileName);
        cmd.Add("$rel", photo.RelativePath);
        cmd.Add("$size", photo.SizeBytes);
        cmd.Add("$w", photo.Width);
        cmd.Add("$h", photo.Height);
        cmd.Add("$captured", photo.CapturedAt);
        cmd.Add("$lat", photo.Position?.LatitudeDeg);
        cmd.Add("$lon", photo.Position?.LongitudeDeg);
        cmd.Add("$agl", photo.AltitudeAglM);
        cmd.Add("$gsd", photo.GsdM);
        cmd.Add("$footprint", photo.Footprint);
        cmd.Add("$meta", photo.MetadataJson);
        cmd.Add("$status", status);
        cmd.Add("$code", reason?.Code);
        cmd.Add("$message", reason?.Reason);
        cmd.Add("$run", photo.RunId);
        cmd.Add("$now", time.GetUtcNow());
        cmd.ExecuteNonQuery();
    }

    private static void DeleteDetections(SqliteConnection c, SqliteTransaction tx, string flightId, string photoId)
    {
        using var cmd = Command(c, tx, "DELETE FROM detections WHERE flight_id = $flight AND photo_id = $photo;");
        cmd.Add("$flight", flightId);
        cmd.Add("$photo", photoId);
        cmd.ExecuteNonQuery();
    }
}
