using System.Data.Common;
using Dapper;
using DroneScan.Core.Detection;
using DroneScan.Core.Flights;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using DroneScan.Core.Hazards;

namespace DroneScan.Storage;

public abstract partial class SqlFlightStore
{
    /// <summary>The detection columns <see cref="ReadObservation"/> reads (table alias <c>d</c>).</summary>
    private const string ObservationColumns = """
        d.photo_id, d.detection_index, d.class_name, d.confidence, d.x1, d.y1, d.x2, d.y2, d.lat, d.lon,
        d.ground_box_wkt, d.sigma_m, d.r90_m, d.semi_major_m, d.semi_minor_m, d.major_axis_azimuth_deg,
        d.shared_sigma_m, d.captured_at, d.ground_elevation_m, d.height_source
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
            LockFlight(c, tx, flightId, exclusive: false);
            UpsertPhoto(c, tx, flightId, photo, PhotoStatus.Ok, null);
            DeleteDetections(c, tx, flightId, photo.PhotoId);
            var rows = observations.Select(o => Parameters(
            [
                ("flight", flightId), ("photo", photo.PhotoId), ("run", photo.RunId), ("index", o.DetectionIndex),
                ("class", o.ClassName), ("conf", o.Confidence), ("x1", o.Box.X1), ("y1", o.Box.Y1),
                ("x2", o.Box.X2), ("y2", o.Box.Y2), ("lat", o.Position.LatitudeDeg), ("lon", o.Position.LongitudeDeg),
                ("sigma", o.Uncertainty.SigmaM), ("r90", o.Uncertainty.R90M), ("major", o.Uncertainty.SemiMajorM),
                ("minor", o.Uncertainty.SemiMinorM), ("azimuth", o.Uncertainty.MajorAxisAzimuthDeg),
                ("shared", o.SharedSigmaM), ("box", o.GroundBox), ("captured", o.CaptureTime),
                ("ground", o.GroundElevationM), ("height", o.HeightSource),
            ])).ToList();
            return rows.Count == 0 ? 0 : c.Execute("""
                INSERT INTO detections (flight_id, photo_id, detection_index, run_id, class_name, confidence,
                    x1, y1, x2, y2, lat, lon, sigma_m, r90_m, semi_major_m, semi_minor_m, major_axis_azimuth_deg,
                    shared_sigma_m, ground_box_wkt, captured_at, ground_elevation_m, height_source)
                VALUES (@flight, @photo, @index, @run, @class, @conf, @x1, @y1, @x2, @y2, @lat, @lon, @sigma, @r90,
                    @major, @minor, @azimuth, @shared, @box, @captured, @ground, @height);
                """, rows, tx);
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
        return Read((c, tx) => (IReadOnlySet<string>)Query(c, tx, """
            SELECT p.photo_id FROM photos p JOIN runs r ON r.id = p.run_id
            WHERE p.flight_id = @flight AND p.status = 'ok' AND COALESCE(p.model_sha256, r.model_sha256) = @sha;
            """, ("flight", flightId), ("sha", modelSha256.ToLowerInvariant()))
            .Select(r => r.Text("photo_id")).ToHashSet(StringComparer.Ordinal));
    }

    /// <inheritdoc/>
    public IReadOnlyList<PhotoModel> LoadPhotoModels(string flightId) => Read((c, tx) => (IReadOnlyList<PhotoModel>)Query(c, tx, """
        SELECT p.photo_id, p.file_name, COALESCE(p.model_name, r.model_name) AS model_name,
            COALESCE(p.model_sha256, r.model_sha256) AS model_sha256
        FROM photos p JOIN runs r ON r.id = p.run_id
        WHERE p.flight_id = @flight AND p.status = 'ok'
        ORDER BY p.file_name, p.photo_id;
        """, ("flight", flightId))
        .ConvertAll(r => new PhotoModel(r.Text("photo_id"), r.Text("file_name"), r.Text("model_name"), r.Text("model_sha256"))));

    /// <inheritdoc/>
    public IReadOnlyList<Observation> LoadObservations(string flightId) => Read((c, tx) => (IReadOnlyList<Observation>)Query(c, tx, $"""
        SELECT {ObservationColumns}
        FROM detections d JOIN photos p ON p.flight_id = d.flight_id AND p.photo_id = d.photo_id
        WHERE d.flight_id = @flight AND p.status = 'ok'
        ORDER BY d.photo_id, d.detection_index;
        """, ("flight", flightId)).ConvertAll(ReadObservation));

    /// <inheritdoc/>
    public IReadOnlyList<PhotoCoverage> LoadPhotoCoverage(string flightId) => Read((c, tx) => (IReadOnlyList<PhotoCoverage>)Query(c, tx, """
        SELECT photo_id, file_name, footprint_wkt, gsd_m, captured_at FROM photos
        WHERE flight_id = @flight AND status = 'ok' ORDER BY photo_id;
        """, ("flight", flightId))
        .ConvertAll(r => new PhotoCoverage(r.Text("photo_id"), r.Text("file_name"), r.PolygonOrNull("footprint_wkt"), r.DoubleOrNull("gsd_m"), r.TimeOrNull("captured_at"))));

    /// <inheritdoc/>
    public IReadOnlyList<SkippedPhoto> GetSkippedPhotos(string flightId) => Read((c, tx) => (IReadOnlyList<SkippedPhoto>)Query(c, tx, """
        SELECT file_name, reason_code, reason_message FROM photos
        WHERE flight_id = @flight AND status IN ('skipped', 'failed') ORDER BY file_name, photo_id;
        """, ("flight", flightId))
        .ConvertAll(r => new SkippedPhoto(r.Text("file_name"), r.TextOrNull("reason_code") ?? "", r.TextOrNull("reason_message") ?? "")));

    private static Observation ReadObservation(StoredRow r) => new(
        PhotoId: r.Text("photo_id"),
        DetectionIndex: r.Int32("detection_index"),
        ClassName: r.Text("class_name"),
        Confidence: r.Double("confidence"),
        Box: new PixelBox(r.Double("x1"), r.Double("y1"), r.Double("x2"), r.Double("y2")),
        Position: new GeoPoint(r.Double("lat"), r.Double("lon")),
        GroundBox: r.PolygonOrNull("ground_box_wkt"),
        Uncertainty: new HorizontalUncertainty(r.Double("sigma_m"), r.Double("r90_m"), r.Double("semi_major_m"), r.Double("semi_minor_m"), r.Double("major_axis_azimuth_deg")),
        SharedSigmaM: r.Double("shared_sigma_m"),
        CaptureTime: r.TimeOrNull("captured_at"),
        GroundElevationM: r.DoubleOrNull("ground_elevation_m"),
        HeightSource: r.TextOrNull("height_source"));

    private void MarkPhoto(string flightId, PhotoRecord photo, PhotoStatus status, SkippedPhoto reason)
    {
        ArgumentNullException.ThrowIfNull(photo);
        ArgumentNullException.ThrowIfNull(reason);
        Write("MarkPhoto" + status, (c, tx) =>
        {
            LockFlight(c, tx, flightId, exclusive: false);
            UpsertPhoto(c, tx, flightId, photo, status, reason);
            DeleteDetections(c, tx, flightId, photo.PhotoId);
            return 0;
        });
    }

    /// <summary>Row-level upsert: two workers writing one photo queue on its row here, before either touches its
    /// detections, so the later one replaces the earlier one's detections whole.</summary>
    private void UpsertPhoto(DbConnection c, DbTransaction tx, string flightId, PhotoRecord photo, PhotoStatus status, SkippedPhoto? reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(photo.PhotoId);
        Execute(c, tx, """
            INSERT INTO photos (flight_id, photo_id, file_name, relative_path, size_bytes, width, height, captured_at,
                lat, lon, agl_m, gsd_m, footprint_wkt, metadata_json, status, reason_code, reason_message, run_id, processed_at,
                model_name, model_sha256)
            VALUES (@flight, @photo, @file, @rel, @size, @w, @h, @captured, @lat, @lon, @agl, @gsd, @footprint, @meta,
                @status, @code, @message, @run, @now, @modelName, @modelSha)
            ON CONFLICT (flight_id, photo_id) DO UPDATE SET
                file_name = excluded.file_name, relative_path = excluded.relative_path, size_bytes = excluded.size_bytes,
                width = excluded.width, height = excluded.height, captured_at = excluded.captured_at,
                lat = excluded.lat, lon = excluded.lon, agl_m = excluded.agl_m, gsd_m = excluded.gsd_m,
                footprint_wkt = excluded.footprint_wkt, metadata_json = excluded.metadata_json, status = excluded.status,
                reason_code = excluded.reason_code, reason_message = excluded.reason_message, run_id = excluded.run_id,
                processed_at = excluded.processed_at, model_name = excluded.model_name, model_sha256 = excluded.model_sha256;
            """,
            ("flight", flightId), ("photo", photo.PhotoId), ("file", photo.FileName), ("rel", photo.RelativePath),
            ("size", photo.SizeBytes), ("w", photo.Width), ("h", photo.Height), ("captured", photo.CapturedAt),
            ("lat", photo.Position?.LatitudeDeg), ("lon", photo.Position?.LongitudeDeg), ("agl", photo.AltitudeAglM),
            ("gsd", photo.GsdM), ("footprint", photo.Footprint), ("meta", photo.MetadataJson), ("status", status),
            ("code", reason?.Code), ("message", reason?.Reason), ("run", photo.RunId), ("now", Time.GetUtcNow()),
            ("modelName", photo.ModelName), ("modelSha", photo.ModelSha256?.ToLowerInvariant()));
    }

    private void DeleteDetections(DbConnection c, DbTransaction tx, string flightId, string photoId) =>
        Execute(c, tx, "DELETE FROM detections WHERE flight_id = @flight AND photo_id = @photo;", ("flight", flightId), ("photo", photoId));
}
