using DroneScan.Core.Hazards;

namespace DroneScan.Core.Flights;

/// <summary>
/// Persistence of a scan: flights, runs, photos with their detections, hazard points and their reviews.
/// Every method that writes more than one row does so in one transaction, so a crash never leaves half a photo
/// or half a hazard set. Re-running a folder updates the same rows (keys are natural: flight id, photo content
/// hash, deterministic hazard ids), so running a job twice gives the same result.
/// </summary>
public interface IFlightStore
{
    /// <summary>Creates the flight or updates its name/folder (and site/notes when given); keeps its creation time.</summary>
    FlightRecord UpsertFlight(FlightDefinition flight);

    /// <summary>Records the start of a run and marks the flight <see cref="FlightStatus.Scanning"/>.</summary>
    /// <returns>The run id, to put on each <see cref="PhotoRecord"/> the run writes.</returns>
    long StartRun(RunStart run);

    /// <summary>Records the end of a run and marks the flight <see cref="FlightStatus.Scanned"/>.</summary>
    RunRecord FinishRun(long runId, RunTotals totals);

    /// <summary>
    /// Upserts the photo as <see cref="PhotoStatus.Ok"/> and replaces all its detections with
    /// <paramref name="observations"/>, in one transaction: on any failure the previous rows stay.
    /// </summary>
    void SavePhotoResult(string flightId, PhotoRecord photo, IReadOnlyList<Observation> observations);

    /// <summary>Upserts the photo as <see cref="PhotoStatus.Skipped"/> with the reason, and removes its detections.</summary>
    void MarkPhotoSkipped(string flightId, PhotoRecord photo, SkippedPhoto skipped);

    /// <summary>Upserts the photo as <see cref="PhotoStatus.Failed"/> with the reason, and removes its detections.</summary>
    void MarkPhotoFailed(string flightId, PhotoRecord photo, SkippedPhoto failure);

    /// <summary>
    /// Photos of the flight already processed (<see cref="PhotoStatus.Ok"/>) by a run of the model with this hash:
    /// a resumed scan need not redo them. Skipped and failed photos are not included (they are cheap to re-check,
    /// and new options may rescue them).
    /// </summary>
    IReadOnlySet<string> GetProcessedPhotoIds(string flightId, string modelSha256);

    /// <summary>The model each <see cref="PhotoStatus.Ok"/> photo of the flight ran through, ordered by file name.</summary>
    IReadOnlyList<PhotoModel> LoadPhotoModels(string flightId);

    /// <summary>All detections of the flight's <see cref="PhotoStatus.Ok"/> photos, ordered by photo id and index.</summary>
    IReadOnlyList<Observation> LoadObservations(string flightId);

    /// <summary>Footprint and GSD of the flight's <see cref="PhotoStatus.Ok"/> photos, ordered by photo id.</summary>
    IReadOnlyList<PhotoCoverage> LoadPhotoCoverage(string flightId);

    /// <summary>
    /// Replaces the flight's hazard points, coverage layer and suggested areas in one transaction and marks the
    /// flight <see cref="FlightStatus.Finalised"/>. Reviews are never touched: a new point whose id had reviews gets
    /// its latest review's status back; reviews whose point is gone stay as orphans and are reported.
    /// Every observation must be a stored detection of the flight.
    /// </summary>
    HazardReplaceResult ReplaceHazards(string flightId, IReadOnlyList<HazardPoint> hazards, CoverageLayer coverage, IReadOnlyList<SuggestedHazardArea> areas);

    /// <summary>
    /// Replaces the flight's suggested hazard areas with what <paramref name="build"/> makes of its hazard points (with
    /// their review status; position, class and confidences, no observations or reviews), in one transaction holding the flight alone: no review or hazard replace of the flight
    /// runs between the read and the write, so the areas always match the statuses they were built from.
    /// </summary>
    /// <returns>The areas written.</returns>
    /// <exception cref="KeyNotFoundException">No such flight.</exception>
    IReadOnlyList<SuggestedHazardArea> ReplaceAreas(string flightId, Func<IReadOnlyList<ReviewedHazard>, IReadOnlyList<SuggestedHazardArea>> build);

    /// <summary>
    /// Appends a review. The hazard's status becomes that of its latest review (latest by <paramref name="at"/>, then
    /// by insertion order). <paramref name="at"/> defaults to the store's clock.
    /// </summary>
    /// When <c>buildAreas</c> is given and the review changes whether the point is rejected, the flight's suggested areas
    /// are rebuilt with it in the same transaction (holding the flight alone, as <see cref="ReplaceAreas"/>), from the
    /// points with their new statuses (position, class, confidences and status; no observations or reviews); a review
    /// that leaves the point on the same side (candidate → confirmed, rejected → rejected) leaves the areas as they are,
    /// which is what a rebuild would give.
    /// <exception cref="KeyNotFoundException">No hazard point has this id.</exception>
    /// <exception cref="ArgumentException">A reclassification without a label, or an empty reviewer.</exception>
    ReviewRecord AddReview(
        string hazardId, ReviewDecision decision, string? label, string? comment, string reviewer, DateTimeOffset? at = null,
        Func<IReadOnlyList<ReviewedHazard>, IReadOnlyList<SuggestedHazardArea>>? buildAreas = null);

    /// <summary>
    /// Rejects every <see cref="HazardStatus.Candidate"/> point of the flight whose highest confidence is below
    /// <paramref name="belowConfidence"/>, in one transaction holding the flight alone: each point gets its own reject
    /// review (with <paramref name="comment"/>, at the store's clock), as <see cref="AddReview"/> would write it, and the
    /// suggested areas are rebuilt once by <paramref name="buildAreas"/> (from the points as <see cref="ReplaceAreas"/>
    /// gives them) when any point was rejected. Reviewed points
    /// (confirmed, unsure, already rejected) are left alone.
    /// </summary>
    /// <returns>The review records written, highest confidence first.</returns>
    /// <exception cref="KeyNotFoundException">No such flight.</exception>
    IReadOnlyList<ReviewRecord> RejectCandidatesBelow(
        string flightId, double belowConfidence, string? comment, string reviewer, Func<IReadOnlyList<ReviewedHazard>, IReadOnlyList<SuggestedHazardArea>> buildAreas);

    /// <summary>The flight's hazard points with their observations and latest review, optionally of one status,
    /// highest confidence first.</summary>
    IReadOnlyList<ReviewedHazard> GetHazards(string flightId, HazardStatus? status = null);

    /// <summary>The hazard point with this id, with its flight, observations, latest review and the file names of its
    /// photos; null when there is none. Indexed reads by id only, whatever the number of flights and points.</summary>
    FlightHazard? GetHazard(string hazardId);

    /// <summary>One page of the review queue (<see cref="HazardQuery"/>): points without their observations.</summary>
    HazardPage GetHazardPage(HazardQuery query);

    /// <summary>Every review of the hazard id, oldest first (also for orphaned ids).</summary>
    IReadOnlyList<ReviewRecord> GetReviewHistory(string hazardId);

    /// <summary>Reviews of the flight whose hazard point no longer exists, oldest first.</summary>
    IReadOnlyList<ReviewRecord> GetOrphanReviews(string flightId);

    /// <summary>All flights, most recently updated first.</summary>
    IReadOnlyList<FlightSummary> GetFlights();

    /// <summary>The most recently updated flight, or null for an empty store.</summary>
    string? GetLatestFlightId();

    /// <summary>The flight with its counts, or null.</summary>
    FlightSummary? GetFlight(string flightId);

    /// <summary>Provenance for exports, from the latest finished run; null when no run finished.</summary>
    FlightInfo? GetFlightInfo(string flightId);

    /// <summary>Skipped and failed photos of the flight, by file name.</summary>
    IReadOnlyList<SkippedPhoto> GetSkippedPhotos(string flightId);

    /// <summary>The coverage layer written by the last <see cref="ReplaceHazards"/>, or null.</summary>
    CoverageLayer? GetCoverage(string flightId);

    /// <summary>The suggested hazard areas written by the last <see cref="ReplaceHazards"/>, by id.</summary>
    IReadOnlyList<SuggestedHazardArea> GetAreas(string flightId);
}
