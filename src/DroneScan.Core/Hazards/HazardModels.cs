using DroneScan.Core.Detection;
using DroneScan.Core.Geodesy;
using DroneScan.Core.Georeferencing;
using NetTopologySuite.Geometries;

namespace DroneScan.Core.Hazards;

/// <summary>Review state of a hazard point (IMAS: a candidate stays a candidate until a person has looked).</summary>
public enum HazardStatus
{
    /// <summary>Found by the detector, not yet reviewed.</summary>
    Candidate,

    /// <summary>An analyst confirmed it (possibly with a new class).</summary>
    Confirmed,

    /// <summary>An analyst rejected it as a false alarm.</summary>
    Rejected,

    /// <summary>An analyst looked and could not decide; needs a field check.</summary>
    Unsure,
}

/// <summary>
/// One detection placed on the ground: the box centre located through its photo's camera model, with the
/// photo's error model evaluated at that pixel.
/// </summary>
/// <param name="PhotoId">The photo's content hash (lower-case hex SHA-256): stable across re-runs and renames.</param>
/// <param name="DetectionIndex">Index of the box within its photo (boxes of one photo are distinct objects).</param>
/// <param name="ClassName">Model class name (e.g. <c>ap_mine</c>).</param>
/// <param name="Confidence">Model score, 0…1.</param>
/// <param name="Box">Pixel box in the oriented (displayed) photo.</param>
/// <param name="Position">Ground position of the box centre, WGS84.</param>
/// <param name="GroundBox">The box's four corners on the ground (WGS84 polygon, X = lon, Y = lat), when all project.</param>
/// <param name="Uncertainty">Absolute horizontal uncertainty of <paramref name="Position"/> (all error sources).</param>
/// <param name="SharedSigmaM">
/// The part of the 1-σ error that photos taken close together share (GNSS position bias): it cancels between
/// observations of the same flight line, which is what lets two mines 1 m apart stay two when the absolute
/// error is 3 m.
/// </param>
/// <param name="CaptureTime">When the photo was taken, when known.</param>
/// <param name="GroundElevationM">Elevation of the ground point (the DEM's there, or the laser target's level), in
/// the datum of the photo's absolute altitude; null when the photo's ground was only assumed level with take-off.</param>
/// <param name="HeightSource">Where the photo's height above ground came from (its <c>altitudeSource</c>).</param>
public sealed record Observation(
    string PhotoId,
    int DetectionIndex,
    string ClassName,
    double Confidence,
    PixelBox Box,
    GeoPoint Position,
    Polygon? GroundBox,
    HorizontalUncertainty Uncertainty,
    double SharedSigmaM,
    DateTimeOffset? CaptureTime,
    double? GroundElevationM = null,
    string? HeightSource = null);

/// <summary>
/// One candidate hazard: every observation of the same object across overlapping photos, merged.
/// </summary>
/// <param name="Id">Stable id: <c>hp-</c> + 12 hex digits of SHA-256 over its observations' "photoId:index" (so a re-run gives the same id).</param>
/// <param name="Position">Combined position, WGS84.</param>
/// <param name="ClassName">Winning class (most votes, ties by summed confidence).</param>
/// <param name="ClassVotes">Observation count per class name.</param>
/// <param name="MaxConfidence">Highest observation score.</param>
/// <param name="MeanConfidence">Mean observation score.</param>
/// <param name="Observations">The observations merged into this point (at most one per photo).</param>
/// <param name="SigmaM">Circular-equivalent 1-σ horizontal uncertainty of <paramref name="Position"/>, m.</param>
/// <param name="R90M">Radius holding the true position with 90 % probability, m.</param>
/// <param name="Status">Review status.</param>
public sealed record HazardPoint(
    string Id,
    GeoPoint Position,
    string ClassName,
    IReadOnlyDictionary<string, int> ClassVotes,
    double MaxConfidence,
    double MeanConfidence,
    IReadOnlyList<Observation> Observations,
    double SigmaM,
    double R90M,
    HazardStatus Status = HazardStatus.Candidate)
{
    /// <summary>Number of photos that saw this object.</summary>
    public int ObservationCount => Observations.Count;
}

/// <summary>The latest review of a hazard point, as exported to planners.</summary>
/// <param name="Reviewer">User name of the analyst.</param>
/// <param name="ReviewedAt">When the decision was recorded (UTC).</param>
/// <param name="Label">Class set by the reviewer (reclassification), if any.</param>
/// <param name="Evidence">Free-text comment or evidence reference.</param>
public sealed record HazardReview(string Reviewer, DateTimeOffset ReviewedAt, string? Label, string? Evidence);

/// <summary>A hazard point with its review fields, the unit every export writes.</summary>
/// <param name="Point">The point as found, with its status after review.</param>
/// <param name="LatestReview">Its latest review, or null.</param>
/// <param name="ReclassifiedAs">The class of the point's latest reclassification, when it has one
/// (<see cref="Flights.ReviewRules.FinalClass"/>).</param>
public sealed record ReviewedHazard(HazardPoint Point, HazardReview? LatestReview, string? ReclassifiedAs = null)
{
    /// <summary>Status after review (the point's own status carries the latest decision).</summary>
    public HazardStatus Status => Point.Status;

    /// <summary>The class after review: the latest reclassification's, else the model's.</summary>
    public string FinalClass => ReclassifiedAs ?? Point.ClassName;
}

/// <summary>What one photo covered on the ground.</summary>
/// <param name="PhotoId">Content hash.</param>
/// <param name="FileName">File name as given (for people).</param>
/// <param name="Footprint">Ground footprint (WGS84), null when not georeferenced.</param>
/// <param name="CentreGsdM">Ground sample distance at the image centre, m/px.</param>
/// <param name="CapturedAt">Capture time, when known.</param>
public sealed record PhotoCoverage(string PhotoId, string FileName, Polygon? Footprint, double? CentreGsdM, DateTimeOffset? CapturedAt);

/// <summary>A photo that contributed nothing, and why (for the operator and the land-release record).</summary>
/// <param name="FileName">File name as given.</param>
/// <param name="Code">Stable machine code (e.g. <c>unreadable</c>, <c>no-gps</c>, <c>gsd-too-coarse</c>).</param>
/// <param name="Reason">Message a person can act on.</param>
public sealed record SkippedPhoto(string FileName, string Code, string Reason);

/// <summary>
/// The ground the detector actually looked at finely enough: the union of footprints of photos whose GSD is
/// at most <paramref name="MaxGsdM"/>. "Covered, nothing found" is evidence for land release.
/// </summary>
/// <param name="Covered">Union of qualifying footprints (WGS84), empty when none.</param>
/// <param name="AreaM2">Area of <paramref name="Covered"/>, m².</param>
/// <param name="MaxGsdM">The GSD limit used, m/px.</param>
/// <param name="PhotoCount">Photos that qualified.</param>
public sealed record CoverageLayer(Geometry Covered, double AreaM2, double MaxGsdM, int PhotoCount);

/// <summary>A suggested hazard area (SHA suggestion): the buffered union of nearby hazard points.</summary>
/// <param name="Id">Stable id within the flight.</param>
/// <param name="Area">Polygon (WGS84).</param>
/// <param name="AreaM2">Area, m².</param>
/// <param name="HazardIds">Points inside.</param>
/// <param name="BufferM">Buffer distance used, m.</param>
public sealed record SuggestedHazardArea(string Id, Polygon Area, double AreaM2, IReadOnlyList<string> HazardIds, double BufferM);

/// <summary>Flight-level facts every export carries (provenance).</summary>
/// <param name="FlightId">Store id of the flight.</param>
/// <param name="FlightName">Name given by the operator (folder name by default).</param>
/// <param name="ModelName">Detector model name.</param>
/// <param name="ModelVersion">Detector model version.</param>
/// <param name="ModelSha256">Hash of the model file.</param>
/// <param name="ProcessedAt">When the scan finished (UTC).</param>
public sealed record FlightInfo(string FlightId, string FlightName, string ModelName, string ModelVersion, string ModelSha256, DateTimeOffset ProcessedAt);
