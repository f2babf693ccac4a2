using DroneScan.Core.Geodesy;
using DroneScan.Core.Hazards;
using NetTopologySuite.Geometries;

namespace DroneScan.Core.Flights;

/// <summary>Where a flight is in its life: stored as lower-case text.</summary>
public enum FlightStatus
{
    /// <summary>Registered, no run started yet.</summary>
    Created,

    /// <summary>A run started and has not finished (an interrupted scan stays here until resumed).</summary>
    Scanning,

    /// <summary>The latest run finished; hazard points not yet (re)built.</summary>
    Scanned,

    /// <summary>Hazard points, coverage and suggested areas written.</summary>
    Finalised,
}

/// <summary>What became of one photo in a scan.</summary>
public enum PhotoStatus
{
    /// <summary>Detected (possibly zero detections).</summary>
    Ok,

    /// <summary>Deliberately not used (no GPS, GSD too coarse …): the same file gives the same answer.</summary>
    Skipped,

    /// <summary>Could not be processed (unreadable, decoder error …).</summary>
    Failed,
}

/// <summary>An analyst's decision on a hazard point. Reviews are an append-only audit trail.</summary>
public enum ReviewDecision
{
    /// <summary>It is a hazard (status <c>Confirmed</c>).</summary>
    Confirm,

    /// <summary>False alarm (status <c>Rejected</c>).</summary>
    Reject,

    /// <summary>It is a hazard of another class, given as the label (status <c>Confirmed</c>).</summary>
    Reclassify,

    /// <summary>Cannot tell from the photos (status <c>Unsure</c>).</summary>
    Unsure,
}

/// <summary>
/// Processing settings an operator gives one flight (all optional; null: the service's default). Units in the names:
/// height of the camera above the ground, or the ground's elevation above sea level (for photos whose altitude is
/// above sea level), sensor width, focal length in pixels, GNSS error, the detector's score threshold, and the model
/// (<c>auto</c> or a model name).
/// </summary>
public sealed record FlightSettings
{
    public double? AglM { get; init; }

    public double? GroundElevationM { get; init; }

    public double? SensorWidthMm { get; init; }

    public double? FocalPx { get; init; }

    public double? GpsSigmaM { get; init; }

    public double? Conf { get; init; }

    /// <summary><c>auto</c> (the default) or a model name.</summary>
    public string Model { get; init; } = "auto";

    /// <summary>The name of the flight's own DEM as uploaded (kept with the flight), or null: level ground.</summary>
    public string? DemFile { get; init; }

    /// <summary>The DEM's vertical datum (<c>egm2008</c>, <c>egm96</c>, <c>ellipsoid</c>), or null: the file's own, else EGM2008.</summary>
    public string? DemDatum { get; init; }

    /// <summary>The datum of the photos' absolute altitudes, or null: EGM96 (most DJI firmware).</summary>
    public string? AltitudeDatum { get; init; }

    /// <summary>No setting differs from the service's defaults.</summary>
    public bool IsDefault() => this == new FlightSettings();
}

/// <summary>A flight to create or update. <see cref="Id"/> comes from <see cref="FlightIds"/>.</summary>
/// <param name="Id">Store id, e.g. <c>fl-3fa85f64a1b2</c>.</param>
/// <param name="Name">Name for people (the folder name by default).</param>
/// <param name="SourceFolder">Absolute folder the photos were read from, when known.</param>
/// <param name="Site">Site or task name, when known; null keeps the stored value on update.</param>
/// <param name="Notes">Operator notes; null keeps the stored value on update.</param>
/// <param name="UploadedBy">User name of who uploaded the flight (service uploads); null keeps the stored value.</param>
/// <param name="Settings">The flight's processing settings; null keeps the stored value.</param>
public sealed record FlightDefinition(string Id, string Name, string? SourceFolder, string? Site = null, string? Notes = null, string? UploadedBy = null, FlightSettings? Settings = null);

/// <summary>A stored flight. <see cref="UploadedBy"/>: the user who uploaded it, null for a CLI scan;
/// <see cref="Settings"/>: its processing settings (all defaults when none were given).</summary>
public sealed record FlightRecord(
    string Id,
    string Name,
    string? SourceFolder,
    string? Site,
    string? Notes,
    FlightStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? UploadedBy = null,
    FlightSettings? Settings = null);

/// <summary>A flight with what it holds, for listings and the <c>status</c> of a scan.</summary>
public sealed record FlightSummary(
    FlightRecord Flight,
    RunRecord? LatestRun,
    int PhotosOk,
    int PhotosSkipped,
    int PhotosFailed,
    int Detections,
    int HazardsCandidate,
    int HazardsConfirmed,
    int HazardsRejected,
    int HazardsUnsure,
    int OrphanReviews)
{
    public int Photos => PhotosOk + PhotosSkipped + PhotosFailed;

    public int Hazards => HazardsCandidate + HazardsConfirmed + HazardsRejected + HazardsUnsure;
}

/// <summary>The start of one scan of a flight with one model. <c>OptionsJson</c> is the scan options as JSON
/// (provenance; the store does not read it).</summary>
public sealed record RunStart(string FlightId, string ModelName, string ModelVersion, string ModelSha256, string OptionsJson);

/// <summary>What a finished run did. <c>PhotosResumed</c>: photos found already done with the same model and not redone.</summary>
public sealed record RunTotals(int PhotosTotal, int PhotosProcessed, int PhotosResumed, int PhotosSkipped, int PhotosFailed, int Detections, int Hazards);

/// <summary>A stored run. <see cref="Totals"/> and <see cref="FinishedAt"/> are null while it runs (or when it was interrupted).</summary>
public sealed record RunRecord(
    long Id,
    string FlightId,
    string ModelName,
    string ModelVersion,
    string ModelSha256,
    string OptionsJson,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    RunTotals? Totals)
{
    /// <summary>Wall time of the run, seconds (store clock).</summary>
    public double? ElapsedS => FinishedAt is { } f ? (f - StartedAt).TotalSeconds : null;
}

/// <summary>One photo as the store keeps it. Identity is the content hash, so a renamed or moved file is the
/// same photo.</summary>
public sealed record PhotoRecord
{
    /// <summary>Lower-case hex SHA-256 of the file content.</summary>
    public required string PhotoId { get; init; }

    public required string FileName { get; init; }

    /// <summary>Path relative to the flight's source folder, '/'-separated.</summary>
    public string? RelativePath { get; init; }

    public long? SizeBytes { get; init; }

    /// <summary>Oriented image size, pixels.</summary>
    public int? Width { get; init; }

    public int? Height { get; init; }

    public DateTimeOffset? CapturedAt { get; init; }

    /// <summary>Camera position, WGS84.</summary>
    public GeoPoint? Position { get; init; }

    public double? AltitudeAglM { get; init; }

    /// <summary>Ground sample distance at the image centre, m/px.</summary>
    public double? GsdM { get; init; }

    /// <summary>Ground footprint, WGS84 (X = lon, Y = lat).</summary>
    public Polygon? Footprint { get; init; }

    /// <summary>Metadata as read, as JSON (provenance; the store does not read it).</summary>
    public string? MetadataJson { get; init; }

    /// <summary>The run that processed the photo.</summary>
    public long? RunId { get; init; }

    /// <summary>The model the photo ran through (with automatic model choice, photos of one run differ); null: the
    /// run's model (rows written before the store kept it per photo).</summary>
    public string? ModelName { get; init; }

    /// <summary>SHA-256 of that model (<see cref="ModelName"/>): whether a re-run may skip the photo. Null: the run's.</summary>
    public string? ModelSha256 { get; init; }
}

/// <summary>The model one processed photo ran through, as stored (the run's model for rows older than the per-photo record).</summary>
public sealed record PhotoModel(string PhotoId, string FileName, string ModelName, string ModelSha256);

/// <summary>One entry of a hazard's review audit trail.</summary>
public sealed record ReviewRecord(
    long Id,
    string HazardId,
    string FlightId,
    ReviewDecision Decision,
    string? Label,
    string? Comment,
    string Reviewer,
    DateTimeOffset At);

/// <summary>What <see cref="IFlightStore.ReplaceHazards"/> did with the flight's existing reviews.</summary>
/// <param name="HazardCount">Hazard points written.</param>
/// <param name="ReviewedHazardCount">New points that already had reviews (same deterministic id), status restored.</param>
/// <param name="OrphanedHazardIds">Ids with reviews but no point any more: the reviews are kept, not shown on a point.</param>
public sealed record HazardReplaceResult(int HazardCount, int ReviewedHazardCount, IReadOnlyList<string> OrphanedHazardIds);

/// <summary>A hazard point found by its id: its flight, the point with its observations and latest review, and the
/// file name of each photo that saw it (by photo id).</summary>
public sealed record FlightHazard(string FlightId, ReviewedHazard Hazard, IReadOnlyDictionary<string, string> PhotoFileNames);

/// <summary>Where a review queue page starts: after the point with this confidence and id, in the queue's order.</summary>
public sealed record HazardCursor(double MaxConfidence, string Id);

/// <summary>
/// One page of the review queue: hazard points (of one flight or of all), optionally of one status, one model class
/// (case-insensitive) and at least a confidence, ordered by highest confidence (descending unless
/// <see cref="Ascending"/>), then id; the page starts after <see cref="After"/> (keyset pagination: each page is one
/// indexed range read, however deep into the queue).
/// </summary>
public sealed record HazardQuery
{
    public string? FlightId { get; init; }

    public HazardStatus? Status { get; init; }

    public string? ClassName { get; init; }

    /// <summary>Only points whose highest confidence is at least this (0–1).</summary>
    public double? MinConfidence { get; init; }

    public bool Ascending { get; init; }

    public HazardCursor? After { get; init; }

    /// <summary>Points per page; <see cref="int.MaxValue"/> for all.</summary>
    public int Limit { get; init; } = 200;

    /// <summary>Also count every point the filters select (not only this page).</summary>
    public bool CountTotal { get; init; }
}

/// <summary>A point in a review queue page: no observations are loaded, <paramref name="ObservationCount"/> says how many.</summary>
public sealed record QueuedHazard(string FlightId, ReviewedHazard Hazard, int ObservationCount);

/// <summary>A page of the review queue; <paramref name="Next"/> is null on the last page; <paramref name="Total"/> when asked for.</summary>
public sealed record HazardPage(IReadOnlyList<QueuedHazard> Items, HazardCursor? Next, int? Total);
