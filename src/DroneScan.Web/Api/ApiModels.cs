using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Storage;

namespace DroneScan.Web.Api;

/// <summary>201 answer to an upload: the photos queued, and each file not used with its reason.</summary>
public sealed record FlightCreated(string Id, int Photos, IReadOnlyList<Files.IgnoredFile> Ignored);

/// <summary>A flight in listings. <c>UploadedBy</c>: the user who uploaded it (null for a CLI scan).</summary>
public sealed record FlightListItem(string Id, string Name, string? Site, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Photos, int Hazards, string? UploadedBy);

/// <summary>A photo the service did not use: its file, the problem's code, and a sentence for the operator saying
/// what to do (<see cref="PhotoProblemAdvice"/>).</summary>
public sealed record PhotoProblem(string File, string Code, string Reason);

/// <summary>Photo counts of a flight: <c>Done</c> counts every finished job (ok, skipped or failed).</summary>
public sealed record PhotoCounts(int Total, int Done, int Ok, int Skipped, int Failed, IReadOnlyList<PhotoProblem> Problems);

/// <summary>Hazard points by review status.</summary>
public sealed record HazardCounts(int Candidate, int Confirmed, int Rejected, int Unsure, int Total);

/// <summary>A flight with its processing state. <c>Status</c>: created, processing, finalising, then done,
/// done-with-problems (some photos not used) or failed (none used, <c>Problem</c> says so). <c>Settings</c>: the
/// processing settings given at upload (null values: the service's defaults). <c>Model</c>: the latest run's model
/// (several joined by '+' under automatic choice); <c>Models</c>: how many used photos ran through each model.</summary>
public sealed record FlightDetail(
    string Id, string Name, string? Site, string? Notes, string Status, double Progress, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    PhotoCounts Photos, HazardCounts Hazards, string? Model, string? UploadedBy, string? Problem, FlightSettings Settings,
    IReadOnlyList<ModelPhotoCount> Models);

/// <summary>The used photos of a flight that ran through one model. <c>Version</c>: null when the service no longer
/// runs that model file.</summary>
public sealed record ModelPhotoCount(string Name, string? Version, int Photos);

/// <summary>A model the service runs (<c>GET /api/models</c>): what a flight's <c>model</c> setting may name, and the
/// sensor (<c>rgb</c> or <c>thermal</c>) automatic choice sends to it.</summary>
public sealed record ModelDto(string Name, string Version, string Sensor);

/// <summary>One detection of a hazard point, with the photo box to fetch a chip for. <c>FileName</c>: the photo's
/// file name as uploaded (what people recognise; <c>PhotoId</c> is its content hash).</summary>
public sealed record ObservationDto(string PhotoId, int DetectionIndex, string ClassName, double Confidence, double X1, double Y1, double X2, double Y2, double Lat, double Lon, double SigmaM, string? FileName);

/// <summary>A hazard point. Position WGS84 degrees. <c>ClassName</c>: the model's class; <c>FinalClass</c>: the class
/// after review (the latest reclassification's, else the model's); <c>Label</c>: the latest review's label.</summary>
public sealed record HazardDto(
    string Id, string FlightId, double Lat, double Lon, string ClassName, IReadOnlyDictionary<string, int> ClassVotes, double MaxConfidence, double MeanConfidence,
    int ObservationCount, double SigmaM, double R90M, string Status, string? ReviewedBy, DateTimeOffset? ReviewedAt, string? Label,
    IReadOnlyList<ObservationDto>? Observations, string FinalClass);

/// <summary>A page of the review queue: its points (no observations), the cursor of the next page (null on the last),
/// and on the first page how many points the queue holds.</summary>
public sealed record HazardQueuePage(IReadOnlyList<HazardDto> Items, string? Next, int? Total);

/// <summary>A review to record. <c>Decision</c>: confirm, reject, reclassify (with a label) or unsure.</summary>
public sealed record ReviewRequest(string? Decision, string? Label, string? Comment);

/// <summary>How many candidate points a bulk reject rejected, and which.</summary>
public sealed record BulkRejectResult(int Rejected, IReadOnlyList<string> HazardIds);

/// <summary>One entry of a hazard's review history.</summary>
public sealed record ReviewDto(long Id, string HazardId, string FlightId, string Decision, string? Label, string? Comment, string Reviewer, DateTimeOffset At);

/// <summary>A user (no secrets). <c>DisabledAt</c>: when an admin disabled it, null while active.</summary>
public sealed record UserDto(string Name, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

/// <summary>A user to create.</summary>
public sealed record CreateUserRequest(string? Name, IReadOnlyList<string>? Roles);

/// <summary>A created user's secrets, shown once.</summary>
public sealed record CreatedUser(string Name, IReadOnlyList<string> Roles, string Password, string Token);

/// <summary>A new API token, shown once.</summary>
public sealed record TokenDto(string Token);

/// <summary>Maps store records to API records.</summary>
internal static class ApiMapping
{
    public static string Text<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>A hazard as the API shows it; with its observations when <paramref name="fileNames"/> (photo file
    /// names by photo id) is given, without them when it is null.</summary>
    public static HazardDto ToDto(this ReviewedHazard h, string flightId, IReadOnlyDictionary<string, string>? fileNames) => new(
        h.Point.Id, flightId, h.Point.Position.LatitudeDeg, h.Point.Position.LongitudeDeg, h.Point.ClassName, h.Point.ClassVotes,
        h.Point.MaxConfidence, h.Point.MeanConfidence, h.Point.ObservationCount, h.Point.SigmaM, h.Point.R90M, Text(h.Status),
        h.LatestReview?.Reviewer, h.LatestReview?.ReviewedAt, h.LatestReview?.Label,
        fileNames is not null
            ? h.Point.Observations.Select(o => new ObservationDto(
                o.PhotoId, o.DetectionIndex, o.ClassName, o.Confidence, o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2,
                o.Position.LatitudeDeg, o.Position.LongitudeDeg, o.Uncertainty.SigmaM, fileNames.GetValueOrDefault(o.PhotoId))).ToList()
            : null,
        h.FinalClass);

    /// <summary>A queued point as the API shows it: without observations, with their count.</summary>
    public static HazardDto ToDto(this QueuedHazard q) => q.Hazard.ToDto(q.FlightId, fileNames: null) with { ObservationCount = q.ObservationCount };

    public static ReviewDto ToDto(this ReviewRecord r) => new(r.Id, r.HazardId, r.FlightId, Text(r.Decision), r.Label, r.Comment, r.Reviewer, r.At);

    public static UserDto ToDto(this UserRecord u) => new(u.Name, u.Roles, u.CreatedAt, u.DisabledAt);
}
