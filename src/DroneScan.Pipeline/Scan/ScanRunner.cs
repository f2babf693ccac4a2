using System.Text.Json;
using System.Threading.Channels;
using DroneScan.Core.Detection;
using DroneScan.Core.Hazards;
using DroneScan.Pipeline.Bench;
using DroneScan.Pipeline.Detect;
using DroneScan.Storage;

namespace DroneScan.Pipeline.Scan;

/// <summary>
/// Scans a folder of photos into a flight: photos → metadata → detections → observations on the ground, saved
/// photo by photo; then hazard points, coverage and suggested areas rebuilt from every stored observation of
/// the flight.
/// </summary>
/// <remarks>
/// Reentrant by design: the flight id comes from the folder, photo ids from content, hazard ids from their
/// observations. Photos already processed with the same model are not redone, so an interrupted scan resumes
/// where it stopped, and re-running a finished one changes nothing. Each photo is saved in one transaction as it
/// finishes: a kill loses at most the photo in flight. Reading and decoding run one photo ahead of the detector
/// (as <see cref="DetectRunner"/> does); each photo is decoded once.
/// </remarks>
public sealed class ScanRunner(IFlightStore store, TiledDetector detector, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Photos read and decoded ahead of inference; each upright 20 MP photo is ~60 MB of RGB.</summary>
    public int DecodeAhead { get; init; } = 1;

    /// <summary>Where stages are timed (benchmarks); null times nothing.</summary>
    public StageTimes? Times { get; init; }

    /// <summary>Scans <paramref name="folder"/> (recursively).</summary>
    /// <exception cref="ScanException">The folder does not exist or holds no photo files.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the photos finished so far stay saved.</exception>
    public async Task<ScanReport> RunAsync(string folder, ScanOptions options, IScanProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        progress ??= NullScanProgress.Instance;
        var listing = ScanFolder.List(folder);
        if (listing.Photos.Count == 0)
        {
            throw new ScanException($"{folder}: no photos (JPEG, PNG or TIFF files) in the folder or below");
        }

        long started = time.GetTimestamp();
        var model = detector.Detector.Info;
        var flight = store.UpsertFlight(new FlightDefinition(
            FlightIds.ForFolder(listing.Root), options.FlightName ?? new DirectoryInfo(listing.Root).Name, listing.Root));
        string optionsJson = OptionsJson(options);

        // Stored observations hold positions computed with the previous run's georeferencing and detector settings:
        // resume them only when those settings are unchanged (merging settings apply to all observations anyway).
        var processed = SamePhotoOptions(store.GetFlight(flight.Id)?.LatestRun?.OptionsJson, optionsJson)
            ? store.GetProcessedPhotoIds(flight.Id, model.Sha256)
            : new HashSet<string>();
        long runId = store.StartRun(new RunStart(flight.Id, model.Name, model.Version, model.Sha256, optionsJson));
        progress.Started(flight.Id, listing.Photos.Count);

        var loader = new ScanPhotoLoader(listing, options.Georeference, detector, processed, Times);
        var sameObject = new MergeOptions
        {
            Mode = MergeMode.Suppress, Metric = OverlapMetric.IoS, Threshold = options.SameObjectIoS, ClassAgnostic = true, MaxDetections = int.MaxValue,
        };
        var results = new List<ScanPhotoResult>(listing.Photos.Count);
        int newDetections = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<LoadedPhoto>(new BoundedChannelOptions(DecodeAhead) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(listing.Photos, loader, channel.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var loaded in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    loaded.Image?.Dispose();
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var result = Finish(flight.Id, runId, loaded, model.ClassNames, sameObject);
                newDetections += result.Outcome == ScanPhotoOutcome.Processed ? result.Detections : 0;
                results.Add(result);
                progress.PhotoFinished(result, results.Count, listing.Photos.Count);
            }
        }
        finally
        {
            // Stop the reader (it may be waiting to hand over a photo nobody will take) and free what it decoded.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
            while (channel.Reader.TryRead(out var left))
            {
                left.Image?.Dispose();
            }
        }

        progress.Finalising();
        var observations = store.LoadObservations(flight.Id);
        var hazards = HazardClusterer.Cluster(observations, options.Cluster);
        double maxGsdM = model.GsdM is { } g ? g * options.MaxGsdFactor : double.MaxValue;
        var photos = store.LoadPhotoCoverage(flight.Id);
        var coverage = CoverageBuilder.Build(photos, maxGsdM);
        var coarse = photos.Where(p => p.Footprint is not null && p.CentreGsdM > maxGsdM).ToList();
        var areas = hazards.Count == 0 ? [] : SuggestedAreas.Build(hazards, options.AreaBufferM);

        var totals = new RunTotals(
            listing.Photos.Count,
            results.Count(r => r.Outcome == ScanPhotoOutcome.Processed),
            results.Count(r => r.Outcome == ScanPhotoOutcome.Resumed),
            results.Count(r => r.Outcome == ScanPhotoOutcome.Skipped),
            results.Count(r => r.Outcome == ScanPhotoOutcome.Failed),
            newDetections,
            hazards.Count);
        store.FinishRun(runId, totals);
        store.ReplaceHazards(flight.Id, hazards, coverage, areas);

        string truthFile = options.TruthFile ?? Path.Combine(folder, "truth.geojson");
        TruthCheck? truth = null;
        try
        {
            truth = File.Exists(truthFile) ? TruthCheck.Score(truthFile, hazards) : null;
        }
        catch (InvalidDataException) when (options.TruthFile is null)
        {
            // A file that merely happens to be called truth.geojson is not the user's request: no score.
        }
        return new ScanReport(
            flight.Id, flight.Name, runId, model.Name, model.Version, totals, results, listing.Others, observations.Count,
            hazards, coverage, coarse, areas, time.GetElapsedTime(started), truth);
    }

    /// <summary>Detects in a loaded photo and saves it, or saves why it was not used.</summary>
    private ScanPhotoResult Finish(string flightId, long runId, LoadedPhoto loaded, IReadOnlyList<string> classNames, MergeOptions sameObject)
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
                    placed = ObservationFactory.FromPhoto(loaded.Photo, record.PhotoId, objects, classNames);
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
            store.SavePhotoResult(flightId, record, placed.Observations);
        }

        var warnings = loaded.Photo.Diagnostics
            .Where(d => d.Severity == Core.Photos.DiagnosticSeverity.Warning)
            .Select(d => $"[{d.Code}] {d.Field}: {d.Message}")
            .Concat(placed.Skipped.Select(s => $"[{s.Code}] {s.Reason}"))
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

    private static async Task ProduceAsync(IReadOnlyList<string> photos, ScanPhotoLoader loader, ChannelWriter<LoadedPhoto> writer, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var relative in photos)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var loaded = loader.Load(relative, cancellationToken);
                try
                {
                    await writer.WriteAsync(loaded, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    loaded.Image?.Dispose();
                    throw;
                }
            }

            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.Complete(ex);
        }
    }

    /// <summary>The options as run, for the run record (provenance): <c>photo</c> holds what a photo's stored
    /// observations depend on, <c>merge</c> what is applied afresh to all observations.</summary>
    private static string OptionsJson(ScanOptions options) => JsonSerializer.Serialize(
        new Dictionary<string, object?>
        {
            ["photo"] = new Dictionary<string, object?>
            {
                ["georeference"] = options.Georeference,
                ["minScore"] = options.Detection.MinScore,
                ["overlap"] = options.Detection.Overlap,
                ["gsdScaling"] = options.Detection.GsdScaling,
                ["fullFrame"] = options.Detection.FullFrame,
                ["photoMerge"] = options.Detection.PhotoMerge,
            },
            ["merge"] = new Dictionary<string, object?>
            {
                ["gateSigmas"] = options.Cluster.GateSigmas,
                ["relativeSigmaFloorM"] = options.Cluster.RelativeSigmaFloorM,
                ["minObservations"] = options.Cluster.MinObservations,
                ["compatibleClassGroups"] = options.Cluster.CompatibleClassGroups,
                ["maxGsdFactor"] = options.MaxGsdFactor,
                ["areaBufferM"] = options.AreaBufferM,
            },
        },
        Json);

    /// <summary>True when no run was recorded before, or the previous run's per-photo options equal these.</summary>
    private static bool SamePhotoOptions(string? previousJson, string currentJson)
    {
        if (previousJson is null)
        {
            return true;
        }

        try
        {
            using var previous = JsonDocument.Parse(previousJson);
            using var current = JsonDocument.Parse(currentJson);
            return previous.RootElement.TryGetProperty("photo", out var p)
                && string.Equals(p.GetRawText(), current.RootElement.GetProperty("photo").GetRawText(), StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
