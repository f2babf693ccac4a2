using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading.Channels;
using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Pipeline.Bench;
using DroneScan.Pipeline.Detect;

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
public sealed class ScanRunner(IFlightStore store, TiledModelSet models, TimeProvider time)
{
    /// <summary>Every photo runs through <paramref name="detector"/>.</summary>
    public ScanRunner(IFlightStore store, TiledDetector detector, TimeProvider time)
        : this(store, TiledModelSet.Fixed(detector), time)
    {
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Photos read and decoded ahead of inference; each upright 20 MP photo is ~60 MB of RGB.</summary>
    public int DecodeAhead { get; init; } = 1;

    /// <summary>Where stages are timed (benchmarks); null times nothing.</summary>
    public StageTimes? Times { get; init; }

    /// <summary>
    /// Photos run through the model at once, each on its own thread with its own tensor buffers, sharing the ONNX
    /// session. ONNX Runtime spreads one small-batch inference over cores poorly (on 2 cores, 2 threads make a tile
    /// only ~1.2× faster than 1), so with one ONNX thread per photo, two photos at once keep both cores busier.
    /// Results are reported in the folder's order whatever finishes first.
    /// </summary>
    public int ParallelPhotos { get; init; } = 1;

    /// <summary>Scans <paramref name="folder"/> (recursively).</summary>
    /// <exception cref="ScanException">The folder does not exist or holds no photo files.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the photos finished so far stay saved.</exception>
    public async Task<ScanReport> RunAsync(string folder, ScanOptions options, IScanProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        progress ??= NullScanProgress.Instance;
        var listing = ScanFolder.List(folder);
        if (options.NotPhotos.Count > 0)
        {
            var skip = options.NotPhotos.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
            listing = listing with { Photos = [.. listing.Photos.Where(p => !skip.Contains(listing.FullPath(p)))] };
        }

        if (listing.Photos.Count == 0)
        {
            throw new ScanException(listing.Hidden.Count == 0
                ? $"{folder}: no photos (JPEG, PNG or TIFF files) in the folder or below"
                : $"{folder}: no photos but hidden ones ({string.Join(", ", listing.Hidden.Take(3))}{(listing.Hidden.Count > 3 ? ", …" : "")}); rename them without the leading '.' to scan them");
        }

        long started = time.GetTimestamp();
        var model = models.RunModel;
        var flight = store.UpsertFlight(new FlightDefinition(
            FlightIds.ForFolder(listing.Root), options.FlightName ?? new DirectoryInfo(listing.Root).Name, listing.Root));
        string optionsJson = options.ToRunJson();

        // Stored observations hold positions computed with the previous run's georeferencing and detector settings:
        // resume them only when those settings are unchanged (merging settings apply to all observations anyway).
        var processed = SamePhotoOptions(store.GetFlight(flight.Id)?.LatestRun?.OptionsJson, optionsJson)
            ? models.Detectors.SelectMany(d => store.GetProcessedPhotoIds(flight.Id, d.Model.Sha256)).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
        long runId = store.StartRun(new RunStart(flight.Id, model.Name, model.Version, model.Sha256, optionsJson));
        int photoCount = listing.Photos.Count + listing.Hidden.Count;
        progress.Started(flight.Id, photoCount);

        var loader = new ScanPhotoLoader(listing.Root, options.Georeference, models, processed, Times);
        var processor = new FlightProcessor(store, models) { Times = Times };
        var results = new List<ScanPhotoResult>(photoCount);
        foreach (var hidden in listing.Hidden)
        {
            // Not read (and so not stored: without reading it there is no content id), but named with the reason.
            var problem = new SkippedPhoto(hidden, "hidden-file", $"{hidden}: hidden file or folder (name starts with '.'), not read; rename it to scan it");
            results.Add(new ScanPhotoResult(hidden, "", ScanPhotoOutcome.Skipped, 0, problem, []));
            progress.PhotoFinished(results[^1], results.Count, photoCount);
        }

        int newDetections = 0;
        int workers = Math.Max(1, ParallelPhotos);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<LoadedPhoto>(new BoundedChannelOptions(Math.Max(DecodeAhead, workers)) { SingleReader = workers == 1, SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(listing.Photos, loader, channel.Writer, stop.Token), CancellationToken.None);
        var gate = new object();

        // Each consumer has its own tiled detector (tensor buffers); the ONNX session under them is shared.
        var processors = Enumerable.Range(0, workers)
            .Select(i => i == 0 ? processor : new FlightProcessor(store, models.Copy()) { Times = Times })
            .ToList();
        async Task ConsumeAsync(FlightProcessor worker)
        {
            try
            {
                await foreach (var loaded in channel.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        loaded.Image?.Dispose();
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    var result = worker.Finish(flight.Id, runId, loaded, options);
                    lock (gate)
                    {
                        newDetections += result.Outcome == ScanPhotoOutcome.Processed ? result.Detections : 0;
                        results.Add(result);
                        progress.PhotoFinished(result, results.Count, photoCount);
                    }
                }
            }
            catch
            {
                // One consumer failing (a full disk …) stops the others and the reader.
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        var consumers = processors.Select(p => Task.Run(() => ConsumeAsync(p), CancellationToken.None)).ToArray();
        try
        {
            await Task.WhenAll(consumers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (consumers.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException is { } failure)
        {
            // The first real failure, not the cancellation it caused in the other consumers.
            ExceptionDispatchInfo.Throw(failure);
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

        if (workers > 1)
        {
            // Photos finish in any order with several consumers: report them in the folder's order.
            var order = listing.Hidden.Concat(listing.Photos).Select((path, i) => (path, i)).ToDictionary(x => x.path, x => x.i, StringComparer.Ordinal);
            results = [.. results.OrderBy(r => order.TryGetValue(r.File, out int i) ? i : int.MaxValue)];
        }

        progress.Finalising();
        var built = processor.Build(flight.Id, options);
        var hazards = built.Hazards;
        var totals = new RunTotals(
            photoCount,
            results.Count(r => r.Outcome == ScanPhotoOutcome.Processed),
            results.Count(r => r.Outcome == ScanPhotoOutcome.Resumed),
            results.Count(r => r.Outcome == ScanPhotoOutcome.Skipped),
            results.Count(r => r.Outcome == ScanPhotoOutcome.Failed),
            newDetections,
            hazards.Count);
        store.FinishRun(runId, totals);
        processor.Save(flight.Id, built);

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
            flight.Id, flight.Name, runId, model.Name, model.Version, totals, results, listing.Others, built.Detections,
            hazards, built.Coverage, built.CoarsePhotos, built.Areas, time.GetElapsedTime(started), truth)
        {
            PhotosByModel = models.Automatic ? PhotosByModel(store.LoadPhotoModels(flight.Id)) : [],
        };
    }

    /// <summary>Each model of the set with the number of used photos that ran through it (by the model's hash).</summary>
    private List<(string Model, int Photos)> PhotosByModel(IReadOnlyList<PhotoModel> photos) =>
        [.. models.Detectors.Select(d => ($"{d.Model.Name} {d.Model.Version}",
            photos.Count(p => string.Equals(p.ModelSha256, d.Model.Sha256, StringComparison.OrdinalIgnoreCase))))];

    private static async Task ProduceAsync(IReadOnlyList<string> photos, ScanPhotoLoader loader, ChannelWriter<LoadedPhoto> writer, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var relative in photos)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var loaded = loader.Load(relative, cancellationToken: cancellationToken);
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
