using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Core.Photos;
using DroneScan.Pipeline.Detect;

namespace DroneScan.Pipeline.Scan;

/// <summary>What a scan does with a folder of photos. The defaults suit a nadir survey flight.</summary>
public sealed record ScanOptions
{
    /// <summary>Flight name for people; the folder name when null.</summary>
    public string? FlightName { get; init; }

    /// <summary>What the photos do not say (height above ground, focal length …).</summary>
    public GeoreferenceOptions Georeference { get; init; } = new();

    /// <summary>Tiling, score floor and merging of the detector.</summary>
    public TiledDetectionOptions Detection { get; init; } = new();

    /// <summary>How observations in different photos become one hazard point.</summary>
    public ClusterOptions Cluster { get; init; } = new();

    /// <summary>
    /// Within one photo, boxes of any class covering each other this much (intersection over the smaller box) are
    /// one object: the model called it two things, or boxed a part of it (a fuze, a fin) separately. The
    /// best-scoring box is kept. Two boxes of one photo otherwise stay two objects; separate items lying side by
    /// side do not overlap this much.
    /// </summary>
    public double SameObjectIoS { get; init; } = 0.4;

    /// <summary>Files in the flight folder that are not photos though their extension says so (the DEM given
    /// with --dem, often kept beside the photos as dem.tif): absolute paths, left out of the scan.</summary>
    public IReadOnlyList<string> NotPhotos { get; init; } = [];

    /// <summary>
    /// A GeoJSON file of planted items (a synthetic or test flight's <c>truth.geojson</c>) to score the result
    /// against; null looks for <c>truth.geojson</c> in the scanned folder.
    /// </summary>
    public string? TruthFile { get; init; }

    /// <summary>
    /// A photo counts as coverage when its centre GSD is at most this many times the GSD the model was trained at
    /// (<c>dronescan.gsd_m</c>): coarser, small mines are too few pixels for "nothing found" to mean anything.
    /// No limit when the model declares no GSD.
    /// </summary>
    public double MaxGsdFactor { get; init; } = 2;

    /// <summary>Buffer around each hazard point for the suggested hazard areas, metres.</summary>
    public double AreaBufferM { get; init; } = 5;

    private static readonly JsonSerializerOptions RunJson = new() { WriteIndented = false };

    /// <summary>The options as run, for the run record (provenance; the CLI and the service write this one shape): <c>photo</c> holds what a photo's stored
    /// observations depend on, <c>merge</c> what is applied afresh to all observations.</summary>
    public string ToRunJson() => JsonSerializer.Serialize(
        new Dictionary<string, object?>
        {
            ["photo"] = new Dictionary<string, object?>
            {
                ["georeference"] = Georeference,
                ["minScore"] = Detection.MinScore,
                ["overlap"] = Detection.Overlap,
                ["gsdScaling"] = Detection.GsdScaling,
                ["fullFrame"] = Detection.FullFrame,
                ["photoMerge"] = Detection.PhotoMerge,
            },
            ["merge"] = new Dictionary<string, object?>
            {
                ["gateSigmas"] = Cluster.GateSigmas,
                ["relativeSigmaFloorM"] = Cluster.RelativeSigmaFloorM,
                ["minObservations"] = Cluster.MinObservations,
                ["compatibleClassGroups"] = Cluster.CompatibleClassGroups,
                ["mergeOverlappingViews"] = Cluster.MergeOverlappingViews,
                ["maxGsdFactor"] = MaxGsdFactor,
                ["areaBufferM"] = AreaBufferM,
            },
        },
        RunJson);
}

/// <summary>What became of one file in this run.</summary>
public enum ScanPhotoOutcome
{
    /// <summary>Detected now and saved.</summary>
    Processed,

    /// <summary>Already processed by an earlier run with the same model: not redone.</summary>
    Resumed,

    /// <summary>Not used, deliberately (no GPS, no height above ground, a second copy of a photo …).</summary>
    Skipped,

    /// <summary>Could not be read or decoded.</summary>
    Failed,
}

/// <summary>One file's result in a run.</summary>
/// <param name="File">Path relative to the flight folder, '/'-separated.</param>
/// <param name="PhotoId">Content hash (or <c>unreadable:</c> + hash of the path when the file could not be read).</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Detections">Boxes the detector found (0 unless processed).</param>
/// <param name="Problem">Why it was skipped or failed (its file name, a stable code and a message); null otherwise.</param>
/// <param name="Warnings">Warnings for a used photo (e.g. <c>attitude-assumed</c>, detections that found no ground).</param>
public sealed record ScanPhotoResult(
    string File,
    string PhotoId,
    ScanPhotoOutcome Outcome,
    int Detections,
    SkippedPhoto? Problem,
    IReadOnlyList<string> Warnings);

/// <summary>Hears about a scan as it goes. Called on the scanning thread, one call at a time.</summary>
public interface IScanProgress
{
    /// <summary>The photos are listed and the run has started.</summary>
    void Started(string flightId, int photoCount);

    /// <summary>One photo is finished (saved, resumed, skipped or failed); <paramref name="done"/> of
    /// <paramref name="total"/>.</summary>
    void PhotoFinished(ScanPhotoResult result, int done, int total);

    /// <summary>All photos are done; hazard points, coverage and areas are being built.</summary>
    void Finalising();
}

/// <summary>An <see cref="IScanProgress"/> that ignores everything.</summary>
public sealed class NullScanProgress : IScanProgress
{
    public static NullScanProgress Instance { get; } = new();

    public void Started(string flightId, int photoCount)
    {
    }

    public void PhotoFinished(ScanPhotoResult result, int done, int total)
    {
    }

    public void Finalising()
    {
    }
}

/// <summary>The result of a scan: this run's per-file results, and the flight's hazard set rebuilt from every
/// stored observation (so a resumed scan and a one-go scan report the same hazards).</summary>
/// <param name="FlightId">Store id of the flight.</param>
/// <param name="FlightName">Its name.</param>
/// <param name="RunId">This run.</param>
/// <param name="ModelName">Detector model name.</param>
/// <param name="ModelVersion">Detector model version.</param>
/// <param name="Totals">Counts written to the run record.</param>
/// <param name="Photos">Every photo file of the folder, in name order.</param>
/// <param name="IgnoredFiles">Files in the folder that are not photos by their extension (relative paths).</param>
/// <param name="Detections">Stored detections of the flight (all runs).</param>
/// <param name="Hazards">The flight's hazard points.</param>
/// <param name="Coverage">Ground covered at a GSD fine enough for the model.</param>
/// <param name="CoarsePhotos">Used photos left out of the coverage because their GSD is over the limit.</param>
/// <param name="Areas">Suggested hazard areas.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="Truth">The comparison with the folder's truth file (test and demo flights), when there is one.</param>
public sealed record ScanReport(
    string FlightId,
    string FlightName,
    long RunId,
    string ModelName,
    string ModelVersion,
    RunTotals Totals,
    IReadOnlyList<ScanPhotoResult> Photos,
    IReadOnlyList<string> IgnoredFiles,
    int Detections,
    IReadOnlyList<HazardPoint> Hazards,
    CoverageLayer Coverage,
    IReadOnlyList<PhotoCoverage> CoarsePhotos,
    IReadOnlyList<SuggestedHazardArea> Areas,
    TimeSpan Elapsed,
    TruthCheck? Truth = null)
{
    /// <summary>Photos whose detections count (processed now or earlier).</summary>
    public int PhotosUsed => Totals.PhotosProcessed + Totals.PhotosResumed;

    /// <summary>True when the coverage GSD limit is real (the model declares its GSD).</summary>
    public bool HasGsdLimit => Coverage.MaxGsdM < double.MaxValue;

    /// <summary>With automatic model choice, each model of the run ("name version") and how many of the flight's used
    /// photos ran through it, in the set's order; empty when every photo ran through the one model.</summary>
    public IReadOnlyList<(string Model, int Photos)> PhotosByModel { get; init; } = [];

    /// <summary>Whether used photos ran through more than one model, so each counts as coverage at its own model's GSD limit.</summary>
    public bool MixedModels => PhotosByModel.Count(m => m.Photos > 0) > 1;
}

/// <summary>A scan that cannot start: the folder is missing or holds no photos. The message names the folder.</summary>
public sealed class ScanException : Exception
{
    public ScanException()
    {
    }

    public ScanException(string message)
        : base(message)
    {
    }

    public ScanException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
