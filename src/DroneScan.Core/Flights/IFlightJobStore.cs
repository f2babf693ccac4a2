namespace DroneScan.Core.Flights;

/// <summary>
/// The bookkeeping of a flight processed by background jobs, one job per photo: which photos belong to the flight,
/// which are done, and the single transition that lets exactly one job start the flight's finalisation.
/// </summary>
/// <remarks>
/// Each method is one transaction. <see cref="MarkPhotoDone"/> is the atomic counter (no Hangfire batches needed):
/// the last photo to finish sees zero remaining; <see cref="TryBeginFinalise"/> is a conditional update, so when two
/// jobs (or a retried one) both see zero, only one wins.
/// </remarks>
public interface IFlightJobStore
{
    /// <summary>Registers photos of a flight to process (upload time). Already registered photo ids are left as they are.</summary>
    void QueuePhotos(string flightId, IReadOnlyList<QueuedPhoto> photos);

    /// <summary>
    /// Starts processing the flight's registered photos: records the run and marks the work <see cref="FlightWorkState.Processing"/>.
    /// When work was already started (a retried plan job) it is returned unchanged and no run is added.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such flight.</exception>
    FlightWork StartWork(RunStart run);

    /// <summary>
    /// Prepares a finished flight to be processed again with new settings, in one transaction holding the flight
    /// alone: stores the settings, removes the work record (the next <see cref="StartWork"/> adds a new run) and
    /// marks every registered photo not done. Photos, detections, hazard points and reviews stay until the new
    /// run replaces them (reviews are never removed).
    /// </summary>
    /// <returns>False, changing nothing, while the flight's work is not done (it is being processed).</returns>
    /// <exception cref="KeyNotFoundException">No such flight.</exception>
    bool RestartWork(string flightId, FlightSettings settings);

    /// <summary>The flight's work record, or null when it was never started.</summary>
    FlightWork? GetWork(string flightId);

    /// <summary>The flight's registered photos, by relative path.</summary>
    IReadOnlyList<QueuedPhoto> GetQueuedPhotos(string flightId);

    /// <summary>One registered photo of the flight, or null.</summary>
    QueuedPhoto? GetQueuedPhoto(string flightId, string photoId);

    /// <summary>Marks one photo done (idempotent) and returns how many of the flight's photos are not done, in one transaction.</summary>
    int MarkPhotoDone(string flightId, string photoId);

    /// <summary>
    /// The conditional transition <c>processing → finalising</c> (only when no photo remains): true for exactly one
    /// caller; false when another job already made it, or photos remain.
    /// </summary>
    bool TryBeginFinalise(string flightId);

    /// <summary>Marks the work <see cref="FlightWorkState.Done"/> (after the hazard points are written).</summary>
    void EndFinalise(string flightId);

    /// <summary>
    /// Deletes the flight and everything stored for it (photos, detections, hazards, runs, work).
    /// </summary>
    /// <returns>False when there is no such flight.</returns>
    /// <exception cref="InvalidOperationException">The flight has reviews: they are an append-only audit trail.</exception>
    bool DeleteFlight(string flightId);
}

/// <summary>Where a flight's background processing is.</summary>
public enum FlightWorkState
{
    /// <summary>Photo jobs are running.</summary>
    Processing,

    /// <summary>All photos done; one finalise job owns the flight.</summary>
    Finalising,

    /// <summary>Hazard points written.</summary>
    Done,
}

/// <summary>A photo registered for processing.</summary>
/// <param name="PhotoId">Content hash (lower-case hex SHA-256).</param>
/// <param name="RelativePath">File in the flight's folder, '/'-separated.</param>
/// <param name="Done">Its job has finished (saved, skipped or failed).</param>
public sealed record QueuedPhoto(string PhotoId, string RelativePath, bool Done = false);

/// <summary>A flight's background processing.</summary>
public sealed record FlightWork(string FlightId, FlightWorkState State, long RunId, int PhotosTotal, int PhotosDone, DateTimeOffset UpdatedAt);
