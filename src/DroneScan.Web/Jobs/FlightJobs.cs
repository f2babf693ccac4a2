using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage;
using DroneScan.Web.Files;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Jobs;

/// <summary>
/// The background jobs of a flight, each taking ids only and reentrant (a retried job leaves the same rows):
/// <see cref="PlanFlight"/> enqueues one <see cref="ProcessPhoto"/> per registered photo; each photo job saves its
/// result and counts the photo done in the database; the job that leaves none remaining wins the conditional
/// <c>processing → finalising</c> transition and enqueues <see cref="FinaliseFlight"/>, exactly once.
/// </summary>
public sealed partial class FlightJobs(
    IFlightStore store, IFlightJobStore work, ServiceModels models, FlightFolders folders, IBackgroundJobClient client, IOptions<ScanOptions> scan, ILogger<FlightJobs> log)
{
    /// <summary>Retries of a photo job before the photo is marked failed (so it never blocks its flight).</summary>
    public const int PhotoAttempts = 3;

    /// <summary>The options and processor of one flight: the configuration's <c>Scan</c> section (over the CLI's
    /// defaults) with the flight's own settings over it (height, ground elevation, camera, GPS error, score threshold,
    /// its own DEM), and the models its <c>model</c> setting picks (<see cref="ServiceModels.For"/>). The detection
    /// options a run records are its first model's (the score threshold is the flight's, else the model's
    /// recommendation, <c>dronescan.default_conf</c>). A new processor per job: its tiled detectors own their tensor
    /// buffers, the ONNX sessions under them are the shared ones.</summary>
    private (ScanOptions Options, FlightProcessor Processor) ForFlight(string flightId)
    {
        var s = store.GetFlight(flightId)?.Flight.Settings ?? new FlightSettings();
        var processor = new FlightProcessor(store, models.For(s, scan.Value.Detection))
        {
            // Uploads of the same photos are separate flights: their points must not share ids.
            FlightScopedHazardIds = true,
        };
        var options = scan.Value;
        var geo = options.Georeference;
        return (options with
        {
            Georeference = geo with
            {
                AltitudeAglM = s.AglM ?? geo.AltitudeAglM,
                GroundElevationM = s.GroundElevationM ?? geo.GroundElevationM,
                SensorWidthMm = s.SensorWidthMm ?? geo.SensorWidthMm,
                FocalLengthPx = s.FocalPx ?? geo.FocalLengthPx,
                GpsSigmaM = s.GpsSigmaM ?? geo.GpsSigmaM,
                Terrain = FlightTerrain.Load(s, folders.DemPath(flightId)) ?? geo.Terrain,
            },
            Detection = processor.Detector.Options,
        }, processor);
    }

    /// <summary>Starts the flight's run (once) and enqueues a job for each photo not done yet.</summary>
    [AutomaticRetry(Attempts = 5)]
    public void PlanFlight(string flightId)
    {
        var (options, processor) = ForFlight(flightId);
        var model = processor.Models.RunModel;
        var started = work.StartWork(new RunStart(flightId, model.Name, model.Version, model.Sha256, options.ToRunJson()));
        var pending = work.GetQueuedPhotos(flightId).Where(p => !p.Done).ToList();
        LogPlanned(flightId, started.RunId, pending.Count);
        if (pending.Count == 0)
        {
            TryEnqueueFinalise(flightId);
            return;
        }

        foreach (var photo in pending)
        {
            client.Enqueue<FlightJobs>(j => j.ProcessPhoto(flightId, photo.PhotoId, null));
        }
    }

    /// <summary>
    /// Detects in one photo and saves the result (or why it was skipped or failed), then counts it done. On the last
    /// attempt an unexpected error marks the photo failed with its reason instead of failing the job. A database that
    /// is full or locked (<see cref="StoreUnavailableException"/>) is not the photo's fault: the job fails with that
    /// clear message, nothing of the photo is written, and Hangfire retries it later.
    /// </summary>
    /// <param name="flightId">The flight.</param>
    /// <param name="photoId">The photo's content hash.</param>
    /// <param name="context">Supplied by Hangfire (pass null when enqueuing): tells the attempt number.</param>
    [AutomaticRetry(Attempts = PhotoAttempts - 1)]
    public void ProcessPhoto(string flightId, string photoId, PerformContext? context)
    {
        if (work.GetWork(flightId) is not { } started
            || work.GetQueuedPhoto(flightId, photoId) is not { } photo)
        {
            LogGone(flightId, photoId);
            return;
        }

        if (photo.Done)
        {
            // A duplicate or late retry: the result is stored, and redoing it would drop the photo's links to the
            // flight's hazard points (a detection re-written is a new row) after finalisation.
            if (work.MarkPhotoDone(flightId, photoId) == 0 && !TryEnqueueFinalise(flightId) && started.State == FlightWorkState.Finalising)
            {
                // The retry of a job that won the transition and died before enqueuing: without this the flight would
                // stay "finalising". A second finalise (if the first was enqueued after all) rebuilds the same rows.
                client.Enqueue<FlightJobs>(j => j.FinaliseFlight(flightId));
            }

            return;
        }

        try
        {
            var (options, processor) = ForFlight(flightId);
            processor.ProcessPhoto(flightId, started.RunId, folders.FlightFolder(flightId), photo.RelativePath, options, photoId);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or StoreUnavailableException) && Attempt(context) >= PhotoAttempts)
        {
            var record = new PhotoRecord { PhotoId = photoId, FileName = Path.GetFileName(photo.RelativePath), RelativePath = photo.RelativePath, RunId = started.RunId };
            store.MarkPhotoFailed(flightId, record, new SkippedPhoto(photo.RelativePath, "processing-error", $"{photo.RelativePath}: failed {PhotoAttempts} times ({ex.GetType().Name}: {ex.Message})"));
        }

        if (work.MarkPhotoDone(flightId, photoId) == 0)
        {
            TryEnqueueFinalise(flightId);
        }
    }

    /// <summary>Builds the flight's hazard points, coverage and areas from every stored observation and closes its run.</summary>
    [AutomaticRetry(Attempts = 5)]
    public void FinaliseFlight(string flightId)
    {
        if (work.GetWork(flightId) is not { } started || store.GetFlight(flightId) is not { } flight)
        {
            LogGone(flightId, null);
            return;
        }

        var (options, processor) = ForFlight(flightId);
        var built = processor.Build(flightId, options);
        store.FinishRun(started.RunId, new RunTotals(
            started.PhotosTotal, flight.PhotosOk, 0, flight.PhotosSkipped, flight.PhotosFailed, built.Detections, built.Hazards.Count));
        processor.Save(flightId, built);
        work.EndFinalise(flightId);
        LogFinalised(flightId, built.Hazards.Count);
    }

    /// <summary>Brings the flight's suggested areas up to date with its reviews (<see cref="ReviewedAreas"/>); nothing to
    /// do when another run of this job or an export got there first. A flight deleted meanwhile has nothing to rebuild.</summary>
    [AutomaticRetry(Attempts = 5)]
    public void RebuildAreas(string flightId)
    {
        if (store.GetFlight(flightId) is not null)
        {
            ReviewedAreas.Refresh(store, flightId, scan.Value.AreaBufferM);
        }
    }

    private bool TryEnqueueFinalise(string flightId)
    {
        // The conditional UPDATE lets one caller through, however many photo jobs (or retries) see zero remaining.
        if (!work.TryBeginFinalise(flightId))
        {
            return false;
        }

        client.Enqueue<FlightJobs>(j => j.FinaliseFlight(flightId));
        return true;
    }

    // Hangfire counts retries in the "RetryCount" job parameter (absent on the first attempt); a direct call is final.
    private static int Attempt(PerformContext? context) => context is null ? PhotoAttempts : context.GetJobParameter<int>("RetryCount") + 1;

    [LoggerMessage(Level = LogLevel.Information, Message = "Flight {FlightId}: run {RunId}, {Count} photo job(s) enqueued")]
    private partial void LogPlanned(string flightId, long runId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flight {FlightId} (photo {PhotoId}) is not planned or was deleted: nothing to do")]
    private partial void LogGone(string flightId, string? photoId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Flight {FlightId} finalised: {Count} hazard point(s)")]
    private partial void LogFinalised(string flightId, int count);
}
