using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
using DroneScan.Export;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage;
using DroneScan.Web.Auth;
using DroneScan.Web.Files;
using DroneScan.Web.Hosting;
using DroneScan.Web.Jobs;
using Hangfire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Api;

/// <summary><c>/api/flights</c>: upload, list, status, delete, reprocess (exports: <see cref="ExportEndpoints"/>).</summary>
public static class FlightEndpoints
{
    public static IEndpointRouteBuilder MapFlightEndpoints(this IEndpointRouteBuilder app)
    {
        var flights = app.MapGroup("/api/flights");
        flights.MapPost("", UploadAsync).RequireAuthorization(Policies.Upload);
        flights.MapGet("", List);
        flights.MapGet("/{id}", Get);
        flights.MapDelete("/{id}", Delete).RequireAuthorization(Policies.Admin);
        flights.MapPost("/{id}/reprocess", Reprocess).RequireAuthorization(Policies.Upload);
        app.MapGet("/api/models", (ServiceModels models) => Results.Ok(models.Models.Select(m => new ModelDto(m.Name, m.Version, ApiMapping.Text(m.Sensor))).ToList()));
        return app;
    }

    private static async Task<IResult> UploadAsync(
        HttpContext http, FlightFolders folders, IFlightStore store, IFlightJobStore work, IBackgroundJobClient jobs, IOptions<UploadOptions> limits,
        ServiceModels models, CancellationToken cancellationToken)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.Value.MaxRequestBytes;
        }

        string id = FlightFolders.NewFlightId();
        UploadedFlight upload;
        FlightSettings settings;
        try
        {
            upload = await new FlightUploadReader(folders, limits.Value).ReadAsync(http.Request, id, cancellationToken).ConfigureAwait(false);

            // Checked before anything is stored: a bad setting leaves no flight and no files.
            settings = FlightSettingsForm.Parse(upload.Fields, models);
            if (upload.DemFileName is { } dem)
            {
                settings = settings with { DemFile = dem };
                FlightTerrain.Check(settings, folders.DemPath(id));
            }
            else if (settings.DemDatum is not null)
            {
                throw new FormatException("dem_datum: give the DEM itself in the dem field too");
            }
        }
        catch
        {
            folders.Delete(id);
            throw;
        }

        string name = upload.Fields.TryGetValue("name", out var n) && !string.IsNullOrWhiteSpace(n) ? n.Trim() : id;
        store.UpsertFlight(new FlightDefinition(id, name, folders.FlightFolder(id), Field(upload, "site"), Field(upload, "notes"), http.User.Identity?.Name, settings));
        work.QueuePhotos(id, upload.Photos);
        jobs.Enqueue<FlightJobs>(j => j.PlanFlight(id));
        return Results.Created($"/api/flights/{id}", new FlightCreated(id, upload.Photos.Count, upload.Ignored));
    }

    private static IResult List(IFlightStore store, IFlightJobStore work) => Results.Ok(store.GetFlights()
        .Select(s => (Summary: s, Work: work.GetWork(s.Flight.Id)))
        .Select(x => new FlightListItem(
            x.Summary.Flight.Id, x.Summary.Flight.Name, x.Summary.Flight.Site, Status(x.Summary, x.Work), x.Summary.Flight.CreatedAt,
            x.Summary.Flight.UpdatedAt, x.Work?.PhotosTotal ?? x.Summary.Photos, x.Summary.Hazards, x.Summary.Flight.UploadedBy))
        .ToList());

    private static IResult Get(string id, IFlightStore store, IFlightJobStore work, ServiceModels models)
    {
        if (store.GetFlight(id) is not { } s)
        {
            throw new KeyNotFoundException($"no flight '{id}'");
        }

        var w = work.GetWork(id);
        int total = w?.PhotosTotal ?? work.GetQueuedPhotos(id).Count;
        int done = w?.PhotosDone ?? 0;
        var problems = store.GetSkippedPhotos(id).Select(p => new PhotoProblem(p.FileName, p.Code, PhotoProblemAdvice.For(p.Code))).ToList();
        string status = Status(s, w);
        double progress = IsFinished(status) ? 1 : total == 0 ? 0 : (double)done / total;
        return Results.Ok(new FlightDetail(
            s.Flight.Id, s.Flight.Name, s.Flight.Site, s.Flight.Notes, status, progress, s.Flight.CreatedAt, s.Flight.UpdatedAt,
            new PhotoCounts(total, done, s.PhotosOk, s.PhotosSkipped, s.PhotosFailed, problems),
            new HazardCounts(s.HazardsCandidate, s.HazardsConfirmed, s.HazardsRejected, s.HazardsUnsure, s.Hazards),
            s.LatestRun is { } run ? $"{run.ModelName} {run.ModelVersion}" : null, s.Flight.UploadedBy,
            status == Failed ? PhotoProblemAdvice.NoUsablePhoto : null,
            s.Flight.Settings ?? new FlightSettings(),
            PhotosPerModel(store.LoadPhotoModels(id), models)));
    }

    /// <summary>How many used photos ran through each model (most first), with the version of a model the service
    /// still runs under that hash (null for one it no longer has).</summary>
    private static List<ModelPhotoCount> PhotosPerModel(IReadOnlyList<PhotoModel> photos, ServiceModels models) => [.. photos
        .GroupBy(p => (p.ModelName, Sha: p.ModelSha256.ToLowerInvariant()))
        .Select(g => new ModelPhotoCount(
            g.Key.ModelName,
            models.Models.FirstOrDefault(m => string.Equals(m.Sha256, g.Key.Sha, StringComparison.OrdinalIgnoreCase))?.Version,
            g.Count()))
        .OrderByDescending(m => m.Photos).ThenBy(m => m.Name, StringComparer.Ordinal)];

    /// <summary>
    /// New settings for a finished flight, and its photos processed again with them (a JSON object of the upload's
    /// setting fields, e.g. <c>{"agl_m": 60}</c>; a field left out is the service's default). Points that come back
    /// with the same id keep their reviews, as after a CLI re-scan.
    /// </summary>
    private static IResult Reprocess(string id, Dictionary<string, System.Text.Json.JsonElement>? body, IFlightStore store, IFlightJobStore work, IBackgroundJobClient jobs, ServiceModels models)
    {
        if (store.GetFlight(id) is not { } flight)
        {
            throw new KeyNotFoundException($"no flight '{id}'");
        }

        var fields = (body ?? []).Where(f => f.Value.ValueKind is not (System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined))
            .ToDictionary(f => f.Key, f => f.Value.ValueKind == System.Text.Json.JsonValueKind.String ? f.Value.GetString() ?? "" : f.Value.GetRawText(), StringComparer.Ordinal);
        // The flight's DEM and its datums stay with it unless given (a new DEM comes with a new upload).
        var before = flight.Flight.Settings ?? new FlightSettings();
        var given = FlightSettingsForm.Parse(fields, models);
        var settings = given with { DemFile = before.DemFile, DemDatum = given.DemDatum ?? before.DemDatum, AltitudeDatum = given.AltitudeDatum ?? before.AltitudeDatum };
        if (settings.DemFile is null && settings.DemDatum is not null)
        {
            throw new FormatException("dem_datum: this flight has no DEM (upload one with the flight)");
        }

        if (!work.RestartWork(id, settings))
        {
            throw new InvalidOperationException($"flight '{id}' is being processed (or was not uploaded to this service): reprocess it once it has finished");
        }

        jobs.Enqueue<FlightJobs>(j => j.PlanFlight(id));
        return Results.Accepted($"/api/flights/{id}", new { id });
    }

    private static IResult Delete(string id, IFlightJobStore work, FlightFolders folders)
    {
        if (!work.DeleteFlight(id))
        {
            throw new KeyNotFoundException($"no flight '{id}'");
        }

        if (FlightFolders.IsFlightId(id))
        {
            folders.Delete(id);
        }

        return Results.NoContent();
    }

    internal static HazardStatus ParseStatus(string status) =>
        Enum.TryParse<HazardStatus>(status, ignoreCase: true, out var s) && Enum.IsDefined(s) && !char.IsDigit(status.Trim()[0])
            ? s
            : throw new FormatException($"status '{status}': use candidate, confirmed, rejected or unsure");

    private static string? Field(UploadedFlight upload, string key) =>
        upload.Fields.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    /// <summary>A finished flight that used none of its photos.</summary>
    internal const string Failed = "failed";

    /// <summary>A finished flight that could not use some of its photos.</summary>
    internal const string DoneWithProblems = "done-with-problems";

    /// <summary>Processing has ended, well or not: <c>done</c>, <c>done-with-problems</c> or <c>failed</c>.</summary>
    internal static bool IsFinished(string status) => status is "done" or DoneWithProblems or Failed;

    /// <summary>
    /// The flight's state for people: created, processing, finalising while it runs; once finished, <c>failed</c>
    /// when no photo was usable, <c>done-with-problems</c> when some were not, else <c>done</c>.
    /// </summary>
    private static string Status(FlightSummary summary, FlightWork? work)
    {
        bool finished = work is not null ? work.State == FlightWorkState.Done : summary.Flight.Status == FlightStatus.Finalised;
        if (!finished)
        {
            return work is not null ? ApiMapping.Text(work.State) : ApiMapping.Text(summary.Flight.Status);
        }

        return summary.PhotosOk == 0 ? Failed : summary.PhotosSkipped + summary.PhotosFailed > 0 ? DoneWithProblems : "done";
    }
}
