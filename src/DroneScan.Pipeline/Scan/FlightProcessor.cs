using System.Security.Cryptography;
using System.Text;
using DroneScan.Core.Detection;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Pipeline.Bench;
using DroneScan.Pipeline.Detect;

namespace DroneScan.Pipeline.Scan;

/// <summary>
/// The two halves of a scan that do not care who drives them: one photo (read, georeference, detect, save) and the
/// flight's finalisation (hazard points, coverage and suggested areas from every stored observation). The CLI's
/// <see cref="ScanRunner"/> drives it over a folder; the web service's background jobs drive it photo by photo.
/// </summary>
/// <remarks>
/// Reentrant: a photo's rows are keyed by (flight id, photo id) and replaced whole, and finalisation rebuilds the
/// hazard set from the stored observations, so running either twice leaves the same rows.
/// </remarks>
public sealed class FlightProcessor(IFlightStore store, TiledModelSet models)
{
    /// <summary>Every photo runs through <paramref name="detector"/>.</summary>
    public FlightProcessor(IFlightStore store, TiledDetector detector)
        : this(store, TiledModelSet.Fixed(detector))
    {
    }

    /// <summary>The models photos run through (one, or one per sensor: automatic model choice).</summary>
    public TiledModelSet Models { get; } = models;

    /// <summary>The first model's detector: the one a fixed set runs.</summary>
    public TiledDetector Detector => Models.Primary;

    /// <summary>
    /// Makes hazard ids unique per flight: <c>hp-</c> + 12 hex digits of SHA-256 over "flightId:contentId". Content
    /// ids alone (<see cref="HazardClusterer"/>) repeat when the same photos are stored as two flights (a re-upload),
    /// and hazard ids are unique across the store. Still deterministic, so a re-run keeps ids and their reviews.
    /// Off by default: the CLI's flights keep the ids they always had.
    /// </summary>
    public bool FlightScopedHazardIds { get; init; }

    /// <summary>Stage timer for benchmarks (null: nothing is timed).</summary>
    public StageTimes? Times { get; init; }

    /// <summary>
    /// Reads, georeferences and detects in one photo and saves the result with
    /// <see cref="IFlightStore.SavePhotoResult"/>, or saves why it was not used (skipped or failed, with the reason).
    /// Never throws for a bad photo.
    /// </summary>
    /// <param name="flightId">The flight (must exist).</param>
    /// <param name="runId">The run the photo is processed in (<see cref="IFlightStore.StartRun"/>).</param>
    /// <param name="folder">The flight's folder.</param>
    /// <param name="relativePath">The photo file, relative to <paramref name="folder"/>, '/'-separated.</param>
    /// <param name="options">Georeferencing and detection options (<see cref="ScanOptions.Georeference"/>, <see cref="ScanOptions.SameObjectIoS"/>).</param>
    /// <param name="photoId">The id the photo is registered under (its content hash at upload): the file is read once
    /// and not hashed again, and the result is saved under this id even when the file has become unreadable. Null:
    /// the content hash of the bytes read.</param>
    public ScanPhotoResult ProcessPhoto(string flightId, long runId, string folder, string relativePath, ScanOptions options, string? photoId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loader = new ScanPhotoLoader(Path.GetFullPath(folder), options.Georeference, Models, new HashSet<string>(), Times);
        return Finish(flightId, runId, loader.Load(relativePath, photoId), options);
    }

    /// <summary>Builds the flight's hazard points, coverage and suggested areas from every stored observation
    /// (nothing is written). Observations are merged per model (photos record the model they ran through): an RGB
    /// model's <c>ap_mine</c> and a thermal model's <c>landmine</c> on one spot are two points, each with the classes
    /// and scores of its own model. A photo counts as coverage at the GSD limit of its own model.</summary>
    public FlightFinalisation Build(string flightId, ScanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var observations = store.LoadObservations(flightId);
        var modelOf = store.LoadPhotoModels(flightId).ToDictionary(p => p.PhotoId, p => p.ModelSha256, StringComparer.Ordinal);
        var hazards = observations
            .GroupBy(o => modelOf.GetValueOrDefault(o.PhotoId) ?? "", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => HazardClusterer.Cluster([.. g], options.Cluster))
            .ToList();
        if (FlightScopedHazardIds)
        {
            hazards = [.. hazards.Select(h => h with { Id = ScopedId(flightId, h.Id) })];
        }

        double LimitOf(string? sha) => (Models.BySha256(sha) ?? Detector).Model.GsdM is { } g ? g * options.MaxGsdFactor : double.MaxValue;
        var photos = store.LoadPhotoCoverage(flightId);
        var fine = photos.Where(p => p.CentreGsdM is not { } gsd || gsd <= LimitOf(modelOf.GetValueOrDefault(p.PhotoId))).ToList();
        double maxGsdM = photos.Count == 0 ? LimitOf(null) : photos.Max(p => LimitOf(modelOf.GetValueOrDefault(p.PhotoId)));
        var coverage = CoverageBuilder.Build(fine, maxGsdM);
        var coarse = photos.Where(p => p.Footprint is not null && p.CentreGsdM > LimitOf(modelOf.GetValueOrDefault(p.PhotoId))).ToList();
        var areas = hazards.Count == 0 ? [] : SuggestedAreas.Build(hazards, options.AreaBufferM);
        return new FlightFinalisation(observations.Count, hazards, coverage, coarse, areas, options.AreaBufferM);
    }

    /// <summary><see cref="Build"/>, then <see cref="IFlightStore.ReplaceHazards"/> in one transaction.</summary>
    public FlightFinalisation Finalise(string flightId, ScanOptions options)
    {
        var result = Build(flightId, options);
        Save(flightId, result);
        return result;
    }

    /// <summary>Writes a built finalisation (hazard points, coverage, areas) with <see cref="IFlightStore.ReplaceHazards"/>;
    /// when points kept reviews from an earlier run, the areas are then rebuilt without the rejected ones.</summary>
    public void Save(string flightId, FlightFinalisation result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var replaced = store.ReplaceHazards(flightId, result.Hazards, result.Coverage, result.Areas);
        if (replaced.ReviewedHazardCount > 0)
        {
            store.ReplaceAreas(flightId, hazards => SuggestedAreas.BuildReviewed(hazards, result.AreaBufferM));
        }
    }

    private static string ScopedId(string flightId, string contentId) =>
        "hp-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{flightId}:{contentId}")))[..12];

    /// <summary>Detects in a loaded photo and saves it, or saves why it was not used; disposes its image.</summary>
    internal ScanPhotoResult Finish(string flightId, long runId, LoadedPhoto loaded, ScanOptions options)
    {
        var record = loaded.Record with { RunId = runId };
        string file = record.RelativePath ?? record.FileName;
        if (loaded.Outcome == ScanPhotoOutcome.Resumed)
        {
            return new ScanPhotoResult(file, record.PhotoId, ScanPhotoOutcome.Resumed, 0, null, []);
        }

        if (loaded.Image is null || loaded.Photo is null)
        {
            return Refuse(flightId, record, loaded.Outcome, loaded.Failure!, loaded.Store);
        }

        var detector = Models.Detectors[loaded.Model];
        var sameObject = new MergeOptions
        {
            Mode = MergeMode.Suppress, Metric = OverlapMetric.IoS, Threshold = options.SameObjectIoS, ClassAgnostic = true, MaxDetections = int.MaxValue,
        };
        PhotoObservations placed;
        int boxes;
        using (loaded.Image)
        {
            try
            {
                var detections = detector.Detect(file, loaded.Image, record.GsdM);
                IReadOnlyList<DetectionBox> objects;
                using (Times.Time(ScanStage.Merge))
                {
                    objects = BoxMerger.Merge(detections.Detections, sameObject);
                }

                boxes = objects.Count;
                using (Times.Time(ScanStage.Georeference))
                {
                    placed = ObservationFactory.FromPhoto(loaded.Photo, record.PhotoId, objects, detector.Model.ClassNames);
                }
            }
            catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
            {
                var failure = new SkippedPhoto(file, "detector-error", $"{file}: the detector failed on this photo ({ex.GetType().Name}: {ex.Message})");
                return Refuse(flightId, record, ScanPhotoOutcome.Failed, failure, persist: true);
            }
        }

        using (Times.Time(ScanStage.Store))
        {
            // The photo records the model it ran through: with automatic model choice, photos of one run differ.
            store.SavePhotoResult(flightId, record with { ModelName = detector.Model.Name, ModelSha256 = detector.Model.Sha256 }, placed.Observations);
        }

        var warnings = loaded.Photo.Diagnostics
            .Where(d => d.Severity == Core.Photos.DiagnosticSeverity.Warning)
            .Select(d => $"[{d.Code}] {d.Field}: {d.Message}")
            .Concat(placed.Skipped.Select(s => $"[{s.Code}] {s.Reason}"))
            .Concat(loaded.ModelNote is { } note ? [$"[model-choice] {detector.Model.Name}: {note}"] : [])
            .ToList();
        return new ScanPhotoResult(file, record.PhotoId, ScanPhotoOutcome.Processed, boxes, null, warnings);
    }

    private ScanPhotoResult Refuse(string flightId, PhotoRecord record, ScanPhotoOutcome outcome, SkippedPhoto problem, bool persist)
    {
        if (persist)
        {
            if (outcome == ScanPhotoOutcome.Failed)
            {
                store.MarkPhotoFailed(flightId, record, problem);
            }
            else
            {
                store.MarkPhotoSkipped(flightId, record, problem);
            }
        }

        return new ScanPhotoResult(problem.FileName, record.PhotoId, outcome, 0, problem, []);
    }
}

/// <summary>A flight's results rebuilt from its stored observations.</summary>
/// <param name="Detections">Stored observations used.</param>
/// <param name="Hazards">Hazard points.</param>
/// <param name="Coverage">Ground covered at a GSD fine enough for the model.</param>
/// <param name="CoarsePhotos">Used photos left out of the coverage because their GSD is over the limit.</param>
/// <param name="Areas">Suggested hazard areas (from every point; <see cref="FlightProcessor.Save"/> leaves out rejected ones).</param>
/// <param name="AreaBufferM">The buffer the areas were built with, metres.</param>
public sealed record FlightFinalisation(
    int Detections,
    IReadOnlyList<HazardPoint> Hazards,
    CoverageLayer Coverage,
    IReadOnlyList<PhotoCoverage> CoarsePhotos,
    IReadOnlyList<SuggestedHazardArea> Areas,
    double AreaBufferM);
