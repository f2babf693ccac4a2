using DroneScan.Core.Hazards;
using NetTopologySuite.Geometries;

namespace DroneScan.Export;

/// <summary>
/// The attribute schema of the three layers and the flattening of domain records into <see cref="ExportTable"/>s.
/// docs/export-fields.md documents the same lists; keep them in step.
/// </summary>
internal static class ExportSchema
{
    /// <summary>Layer names (GeoPackage tables, KML folders).</summary>
    public const string PointsLayerName = "hazard_points";
    public const string CoverageLayerName = "coverage";
    public const string AreasLayerName = "suggested_areas";

    /// <summary>Separator of list values (photos, class votes, hazard ids) inside one text field.</summary>
    public const string ListSeparator = ";";

    /// <summary>All instants are exported in UTC; one geometry factory for EPSG:4326.</summary>
    public static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    public static readonly IReadOnlyList<ExportField> PointFields =
    [
        new("id", "id", FieldType.Text, "Hazard point id, stable within the DroneScan store", "", "External ID / Hazard reference"),
        new("class", "class", FieldType.Text, "Item class after review: the analyst's when reclassified, else the model's", "ap_mine, at_mine, uxo, …", "Device type / Item category"),
        new("class_votes", "class_vote", FieldType.Text, "Observations per class, class:count joined by ';', most first", "", "Notes"),
        new("max_conf", "max_conf", FieldType.Real, "Highest detector score among the observations", "0–1", "Confidence"),
        new("mean_conf", "mean_conf", FieldType.Real, "Mean detector score of the observations", "0–1", "Confidence (mean)"),
        new("n_obs", "n_obs", FieldType.Integer, "Number of photos that saw the object", "count", "Number of observations"),
        new("photos", "photos", FieldType.Text, "Photo file names (or content hashes when unknown) joined by ';'", "", "Evidence reference / Attachments"),
        new("sigma_m", "sigma_m", FieldType.Real, "1-sigma horizontal position uncertainty", "m", "Position accuracy"),
        new("r90_m", "r90_m", FieldType.Real, "Radius holding the true position with 90 % probability", "m", "Uncertainty radius"),
        new("status", "status", FieldType.Text, "Review status", "candidate, confirmed, rejected, unsure", "Verification status (coded value)"),
        new("reviewer", "reviewer", FieldType.Text, "User name of the analyst who reviewed it last", "", "Verified by"),
        new("reviewed_at", "reviewed", FieldType.DateTime, "When the latest review was recorded", "ISO 8601 UTC", "Verification date"),
        new("label", "label", FieldType.Text, "Class set by the reviewer, when reclassified", "", "Device type (verified)"),
        new("evidence", "evidence", FieldType.Text, "Reviewer's comment or evidence reference", "", "Evidence / Comments"),
        new("flight_id", "flight_id", FieldType.Text, "DroneScan flight id", "", "Survey / Activity reference"),
        new("flight", "flight", FieldType.Text, "Flight name given by the operator", "", "Survey / Activity name"),
        new("model", "model", FieldType.Text, "Detector model name", "", "Data source"),
        new("model_version", "model_ver", FieldType.Text, "Detector model version", "", "Data source version"),
        new("model_class", "model_cls", FieldType.Text, "Class the model found (most votes across photos), before review", "ap_mine, at_mine, uxo, …", "Device type (detected)"),
        new("ground_elevation_m", "ground_ele", FieldType.Real, "Ground elevation at the point (mean of its observations: the DEM there, or the laser target's level), in the datum of the photos' absolute altitudes; empty when the ground was only assumed level with take-off", "m", "Elevation"),
        new("height_source", "height_src", FieldType.Text, "Where the photos' height above ground came from (altitudeSource: dji-absolute-minus-dem, dji-lrf+dem, dji-lrf, dji-relative, …), distinct values joined by ';'", "", "Notes (method)"),
    ];

    public static readonly IReadOnlyList<ExportField> CoverageFields =
    [
        new("kind", "kind", FieldType.Text, "coverage: ground searched at or below the GSD limit; photo: one photo's footprint", "coverage, photo", "Polygon type"),
        new("photo_id", "photo_id", FieldType.Text, "Photo content hash (photo features only)", "", "Evidence reference"),
        new("file_name", "file_name", FieldType.Text, "Photo file name (photo features only)", "", "Attachment name"),
        new("area_m2", "area_m2", FieldType.Real, "Covered area (coverage feature only)", "m²", "Area"),
        new("max_gsd_m", "max_gsd_m", FieldType.Real, "GSD limit a photo had to meet to count as coverage (coverage feature only)", "m/px", "Survey resolution"),
        new("gsd_m", "gsd_m", FieldType.Real, "Ground sample distance at the photo centre (photo features only)", "m/px", "Survey resolution"),
        new("photo_count", "photo_cnt", FieldType.Integer, "Photos that met the GSD limit (coverage feature only)", "count", "Number of images"),
        new("captured_at", "captured", FieldType.DateTime, "Photo capture time (photo features only)", "ISO 8601 UTC", "Survey date"),
        new("flight_id", "flight_id", FieldType.Text, "DroneScan flight id", "", "Survey / Activity reference"),
        new("flight", "flight", FieldType.Text, "Flight name given by the operator", "", "Survey / Activity name"),
    ];

    public static readonly IReadOnlyList<ExportField> AreaFields =
    [
        new("id", "id", FieldType.Text, "Suggested area id, stable within the flight", "", "External ID / Hazardous area reference"),
        new("area_m2", "area_m2", FieldType.Real, "Area of the polygon", "m²", "Area"),
        new("n_hazards", "n_hazards", FieldType.Integer, "Hazard points inside", "count", "Number of items"),
        new("hazard_ids", "hazard_ids", FieldType.Text, "Ids of the hazard points inside, joined by ';'", "", "Related hazards"),
        new("buffer_m", "buffer_m", FieldType.Real, "Buffer distance around the points", "m", "Buffer"),
        new("flight_id", "flight_id", FieldType.Text, "DroneScan flight id", "", "Survey / Activity reference"),
        new("flight", "flight", FieldType.Text, "Flight name given by the operator", "", "Survey / Activity name"),
    ];

    /// <summary>One layer of several flights in one table: each flight's features in the order given, each carrying
    /// its own flight's <c>flight_id</c> and <c>flight</c>.</summary>
    public static ExportTable Build(ExportLayer layer, IReadOnlyList<ExportData> flights)
    {
        ArgumentNullException.ThrowIfNull(flights);
        return layer switch
        {
            ExportLayer.Points => new ExportTable(PointsLayerName, layer, PointFields, flights.SelectMany(PointFeatures).ToArray()),
            ExportLayer.Coverage => new ExportTable(CoverageLayerName, layer, CoverageFields, flights.SelectMany(CoverageFeatures).ToArray()),
            ExportLayer.Areas => new ExportTable(AreasLayerName, layer, AreaFields, flights.SelectMany(d => d.Areas.Select(a => AreaFeature(a, d.Flight))).ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "Unknown export layer."),
        };
    }

    /// <summary>The flights' names joined by ", " (titles of a KML document, a GPX file, a GeoPackage table).</summary>
    public static string FlightNames(IReadOnlyList<ExportData> flights) => string.Join(", ", flights.Select(f => f.Flight.FlightName));

    /// <summary>The flights' ids joined by ", ".</summary>
    public static string FlightIds(IReadOnlyList<ExportData> flights) => string.Join(", ", flights.Select(f => f.Flight.FlightId));

    /// <summary>Lower-case status code, the coded value planners map (candidate/confirmed/rejected/unsure).</summary>
    public static string StatusCode(HazardStatus status) => status switch
    {
        HazardStatus.Candidate => "candidate",
        HazardStatus.Confirmed => "confirmed",
        HazardStatus.Rejected => "rejected",
        HazardStatus.Unsure => "unsure",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown hazard status."),
    };

    /// <summary>The first 8 characters of a hazard id, for labels on small screens (ids are hash-like).</summary>
    public static string ShortId(string id) => id.Length <= 8 ? id : id[..8];

    /// <summary>"ap_mine:3;uxo:1": most votes first, ties by name (ordinal) so the text is stable.</summary>
    public static string ClassVotes(HazardPoint point) =>
        string.Join(ListSeparator, point.ClassVotes
            .OrderByDescending(v => v.Value)
            .ThenBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => $"{v.Key}:{v.Value}"));

    private static IEnumerable<ExportFeature> PointFeatures(ExportData data)
    {
        var fileNames = data.Photos.GroupBy(ph => ph.PhotoId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().FileName, StringComparer.Ordinal);
        return data.Hazards.Select(h => PointFeature(h, fileNames, data.Flight));
    }

    private static ExportFeature PointFeature(ReviewedHazard hazard, Dictionary<string, string> fileNames, FlightInfo flight)
    {
        var p = hazard.Point;
        var review = hazard.LatestReview;
        string photos = string.Join(ListSeparator, p.Observations
            .Select(o => fileNames.TryGetValue(o.PhotoId, out var name) ? name : o.PhotoId));

        var geometry = Wgs84.CreatePoint(new Coordinate(p.Position.LongitudeDeg, p.Position.LatitudeDeg));
        object?[] values =
        [
            p.Id, hazard.FinalClass, ClassVotes(p), p.MaxConfidence, p.MeanConfidence, (long)p.ObservationCount, photos,
            p.SigmaM, p.R90M, StatusCode(hazard.Status), review?.Reviewer, review?.ReviewedAt, review?.Label,
            review?.Evidence, flight.FlightId, flight.FlightName, flight.ModelName, flight.ModelVersion, p.ClassName,
            GroundElevation(p), HeightSources(p),
        ];
        return new ExportFeature(geometry, values);
    }

    private static double? GroundElevation(HazardPoint p)
    {
        var known = p.Observations.Where(o => o.GroundElevationM.HasValue).Select(o => o.GroundElevationM!.Value).ToList();
        return known.Count == 0 ? null : known.Average();
    }

    private static string? HeightSources(HazardPoint p)
    {
        var sources = p.Observations.Select(o => o.HeightSource).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return sources.Count == 0 ? null : string.Join(ListSeparator, sources);
    }

    private static IEnumerable<ExportFeature> CoverageFeatures(ExportData data)
    {
        var flight = data.Flight;
        if (data.Coverage is { Covered.IsEmpty: false } coverage)
        {
            yield return new ExportFeature(
                Polygonal(coverage.Covered, "coverage"),
                ["coverage", null, null, coverage.AreaM2, coverage.MaxGsdM, null, (long)coverage.PhotoCount, null, flight.FlightId, flight.FlightName]);
        }

        if (!data.IncludePhotoFootprints)
            yield break;

        foreach (var photo in data.Photos)
        {
            if (photo.Footprint is not { IsEmpty: false } footprint)
                continue;
            yield return new ExportFeature(
                Polygonal(footprint, photo.FileName),
                ["photo", photo.PhotoId, photo.FileName, null, null, photo.CentreGsdM, null, photo.CapturedAt, flight.FlightId, flight.FlightName]);
        }
    }

    private static ExportFeature AreaFeature(SuggestedHazardArea area, FlightInfo flight) =>
        new(
            Polygonal(area.Area, area.Id),
            [area.Id, area.AreaM2, (long)area.HazardIds.Count, string.Join(ListSeparator, area.HazardIds), area.BufferM, flight.FlightId, flight.FlightName]);

    /// <summary>Copies a polygon or multipolygon onto the EPSG:4326 factory; anything else is a caller bug.</summary>
    private static Geometry Polygonal(Geometry geometry, string what) => geometry switch
    {
        Polygon or MultiPolygon => Wgs84.CreateGeometry(geometry),
        _ => throw new ArgumentException($"Export of '{what}': expected a polygon, got {geometry.GeometryType}.", nameof(geometry)),
    };

    /// <summary>Polygon layers as multipolygons, for formats whose layer has one geometry type (Shapefile, GeoPackage).</summary>
    public static MultiPolygon AsMultiPolygon(Geometry geometry) => geometry switch
    {
        MultiPolygon mp => mp,
        Polygon p => Wgs84.CreateMultiPolygon([p]),
        _ => throw new ArgumentException($"Expected a polygon, got {geometry.GeometryType}.", nameof(geometry)),
    };
}
