using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using DroneScan.Web.Api;
using DroneScan.Web.Hosting;
using DroneScan.Web.Map;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DroneScan.Web.BrowserTests;

/// <summary>
/// A tiny stand-in for DroneScan.Web: serves <c>wwwroot</c> as it is in the repository, with the strict
/// Content-Security-Policy the real app sends, and answers the API the pages call with fixed data (two flights,
/// three hazard points, reviews kept in memory). Lets the pages be tested without the pipeline.
/// </summary>
public sealed class FakeDroneScan : IAsyncDisposable
{
    /// <summary>The app's own policy (no tile server, as <c>/api/settings</c> here says), so the two cannot drift.</summary>
    public static readonly string Csp = Hosting.WebUi.ContentSecurityPolicy(tileUrl: null);

    public const string FlightId = "fl-demo";
    public const string XssFlightId = "fl-xss";

    /// <summary>A processed flight in which nothing was found.</summary>
    public const string EmptyFlightId = "fl-empty";

    /// <summary>A flight none of whose photos could be used.</summary>
    public const string FailedFlightId = "fl-failed";
    public const string XssName = "<img src=x onerror=alert(1)>";

    /// <summary>A file name that would run script if it were inserted as HTML (in an attribute or as markup).</summary>
    public const string XssFileName = "\"><img src=x onerror=alert(2)><script>alert(3)</script>.jpg";

    private readonly WebApplication app;

    private FakeDroneScan(WebApplication app, string baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>The processing settings of each upload (the form fields other than name, site and notes).</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> UploadSettings { get; } = new();

    /// <summary>The bodies of reprocess requests (flight id, the JSON sent).</summary>
    public ConcurrentQueue<(string FlightId, string Body)> Reprocessed { get; } = new();

    /// <summary>Bulk rejects posted (flight id, threshold, comment), in order.</summary>
    public ConcurrentQueue<(string FlightId, double Below, string? Comment)> BulkRejects { get; } = new();

    /// <summary>The offsets of the review-queue pages asked for, in order.</summary>
    public ConcurrentQueue<int> QueuePages { get; } = new();

    /// <summary>Decisions posted, in order.</summary>
    public ConcurrentQueue<(string HazardId, string Decision, string? Label, string? Comment)> Decisions { get; } = new();

    public static async Task<FakeDroneScan> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { WebRootPath = Artefacts.WebRoot, ContentRootPath = Artefacts.RepoRoot });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDroneScanLocalisation();
        var app = builder.Build();
        var state = new State();

        // The app's own language choice (?lang=, the remembered cookie, Accept-Language): /api/me says which.
        app.UseDroneScanLocalisation();
        app.Use(async (context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = Csp;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        state.Map(app);
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var started = new FakeDroneScan(app, url.TrimEnd('/') + "/");
        state.Owner = started;
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class State
    {
        private readonly object gate = new();
        private readonly List<Dictionary<string, object?>> hazards =
        [
            Hazard("hz-1", 50.4501234, 30.5234567, "ap_mine", 0.91, "candidate"),
            Hazard("hz-2", 50.4502345, 30.5235678, "uxo", 0.64, "candidate"),
            Hazard("hz-3", 50.4500123, 30.5233456, "at_mine", 0.42, "candidate"),
        ];

        private readonly List<Dictionary<string, object?>> reviews = [];

        /// <summary>Set once a hazard list has been sent (see the coverage layer's answer).</summary>
        private readonly TaskCompletionSource pointsServed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FakeDroneScan? Owner { get; set; }

        public void Map(WebApplication app)
        {
            app.MapGet("/login", () => Results.Content("<!doctype html><title>sign in</title><h1>DroneScan</h1>", "text/html"));
            app.MapGet("/api/settings", () => new { tileUrl = (string?)null, tileAttribution = "<b>local</b>" });
            app.MapGet("/api/models", () => new[] { new ModelDto("dronescan-rgb", "0.2.0", "rgb"), new ModelDto("dronescan-thermal", "0.3.0", "thermal") });
            app.MapGet("/api/me", () => new { name = "ana", roles = new[] { "operator", "analyst", "planner" }, language = Hosting.Localisation.Current });
            app.MapGet("/api/flights", () => new object[] { ListItem(FlightId, "Demo field", "done"), ListItem(XssFlightId, XssName, "processing"), ListItem(EmptyFlightId, "Nothing here", "done"), ListItem(FailedFlightId, "Nothing usable", "failed") });
            app.MapGet("/api/flights/{id}", (string id) => id switch
            {
                FlightId => Results.Ok(Detail(FlightId, "Demo field", "done", 1.0, 3)),
                XssFlightId => Results.Ok(Detail(XssFlightId, XssName, "processing", 0.5, 0)),
                FailedFlightId => Results.Ok(Detail(FailedFlightId, "Nothing usable", "failed", 1.0, 0)),
                EmptyFlightId => Results.Ok(Detail(EmptyFlightId, "Nothing here", "done", 1.0, 0)),
                _ => Results.NotFound(),
            });
            app.MapGet("/api/flights/{id}/hazards", async (string id, string? format, string? layer) =>
            {
                if (id != FlightId)
                {
                    return Results.Problem("not finished", statusCode: 409);
                }

                if ((layer ?? "points") == "coverage")
                {
                    // The coverage answers after the hazard list has gone out (the map asks for both at once), so
                    // footprints are drawn after the markers: the order in which a footprint would cover a marker.
                    await pointsServed.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                    return Results.Text(CoverageGeoJson, "application/geo+json");
                }

                return Results.Text(PointsGeoJson(), "application/geo+json");
            });
            // Several flights in one file: the demo flight's points stand for them.
            app.MapGet("/api/exports", (string? flights, string? site) =>
                flights is null && site is null ? Results.Problem("flights: give them", statusCode: 400) : Results.Text(PointsGeoJson(), "application/geo+json"));
            app.MapGet("/api/hazards", (HttpContext http, string? flight, string? status, string? @class) =>
            {
                http.Response.OnCompleted(() =>
                {
                    pointsServed.TrySetResult();
                    return Task.CompletedTask;
                });
                lock (gate)
                {
                    return hazards.Where(h => (flight is null || flight == FlightId) && (status is null || (string)h["status"]! == status)
                            && (@class is null || (string)h["className"]! == @class))
                        .Select(h => new Dictionary<string, object?>(h)).ToList();
                }
            });
            // The paged queue, as the real one answers it, but never more than two points a page (a server may give
            // fewer than the limit), so every walk through the three points follows a cursor.
            app.MapGet("/api/hazards/queue", (string? flight, string? status, string? @class, double? min, string? order, string? after, int? limit) =>
            {
                lock (gate)
                {
                    var selected = hazards.Where(h => (string.IsNullOrEmpty(flight) || flight == FlightId)
                            && (string.IsNullOrEmpty(status) || status == "any" || (string)h["status"]! == status)
                            && (string.IsNullOrEmpty(@class) || (string)h["className"]! == @class)
                            && (min is null || (double)h["maxConfidence"]! >= min))
                        .OrderBy(h => order == "asc" ? (double)h["maxConfidence"]! : -(double)h["maxConfidence"]!)
                        .ThenBy(h => (string)h["id"]!, StringComparer.Ordinal)
                        .ToList();
                    int start = after is null ? 0 : int.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
                    int size = Math.Min(limit ?? 200, 2);
                    var items = selected.Skip(start).Take(size).Select(h => new Dictionary<string, object?>(h)).ToList();
                    string? next = start + size < selected.Count ? (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
                    Owner!.QueuePages.Enqueue(start);
                    return Results.Ok(new { items, next, total = after is null ? selected.Count : (int?)null });
                }
            });
            app.MapGet("/api/hazards/{id}", (string id) =>
            {
                lock (gate)
                {
                    if (hazards.FirstOrDefault(h => (string)h["id"]! == id) is not { } h)
                    {
                        return Results.NotFound();
                    }

                    var copy = new Dictionary<string, object?>(h)
                    {
                        ["observations"] = new object[]
                        {
                            Observation("ph-a" + id, "DJI_0001.JPG", (double)h["maxConfidence"]!, (string)h["className"]!),
                            Observation("ph-b" + id, "DJI_0002.JPG", (double)h["meanConfidence"]!, (string)h["className"]!),
                        },
                    };
                    return Results.Ok(copy);
                }
            });
            app.MapGet("/api/hazards/{id}/reviews", (string id) =>
            {
                lock (gate)
                {
                    return reviews.Where(r => (string)r["hazardId"]! == id).ToList();
                }
            });
            app.MapPost("/api/hazards/{id}/review", (string id, ReviewBody body) =>
            {
                lock (gate)
                {
                    var h = hazards.First(x => (string)x["id"]! == id);
                    h["status"] = body.Decision switch { "confirm" => "confirmed", "reject" => "rejected", "unsure" => "unsure", _ => "confirmed" };
                    h["reviewedBy"] = "ana";
                    h["reviewedAt"] = DateTimeOffset.UtcNow;
                    h["label"] = body.Label;
                    h["finalClass"] = body.Decision == "reclassify" ? body.Label : h["finalClass"];
                    var r = new Dictionary<string, object?>
                    {
                        ["id"] = reviews.Count + 1, ["hazardId"] = id, ["flightId"] = FlightId, ["decision"] = body.Decision, ["label"] = body.Label,
                        ["comment"] = body.Comment, ["reviewer"] = "ana", ["at"] = DateTimeOffset.UtcNow,
                    };
                    reviews.Add(r);
                    Owner!.Decisions.Enqueue((id, body.Decision ?? "", body.Label, body.Comment));
                    return Results.Ok(r);
                }
            });
            app.MapPost("/api/flights/{id}/hazards/bulk-reject", (string id, BulkRejectBody body) =>
            {
                lock (gate)
                {
                    var weak = hazards.Where(h => id == FlightId && (string)h["status"]! == "candidate" && (double)h["maxConfidence"]! < body.Below).ToList();
                    foreach (var h in weak)
                    {
                        h["status"] = "rejected";
                    }

                    Owner!.BulkRejects.Enqueue((id, body.Below, body.Comment));
                    return Results.Ok(new { rejected = weak.Count, hazardIds = weak.Select(h => (string)h["id"]!).ToList() });
                }
            });
            // The map's own data, in the real service's records (DroneScan.Web.Map), so the two cannot drift apart.
            app.MapGet("/api/flights/{id}/map", (string id) => id == FlightId ? Results.Ok(FlightMap) : Results.Ok(new FlightMapDto([], [], [])));
            app.MapGet("/api/flights/{id}/photos/{photoId}/overlay", (string id, string photoId) => id == FlightId && photoId == "ph-1"
                ? Results.File(Path.Combine(Artefacts.RepoRoot, "data-samples", "demo-flight", "IMG_0001.jpg"), "image/jpeg")
                : Results.NotFound());
            // The real reader on the test base map (it lies over the demo flight, far from these points: no tile is asked for).
            var baseMap = BaseMapTiles.Open(Artefacts.BaseMap);
            app.MapGet("/api/basemap", () => new BaseMapDto(
                true, baseMap.Info.Name, baseMap.Info.Format, baseMap.Info.MinZoom, baseMap.Info.MaxZoom, baseMap.Info.Bounds, baseMap.Info.Attribution, MapEndpoints.TileTemplate));
            app.MapGet("/api/basemap/{z:int}/{x:int}/{y:int}", (int z, int x, int y) =>
                baseMap.Tile(z, x, y) is { } tile ? Results.File(tile.Bytes, tile.ContentType) : Results.NotFound());
            app.MapGet("/api/photos/{photoId}/chip", (string photoId) => Results.Text(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"120\"><rect width=\"160\" height=\"120\" fill=\"#7a6\"/>"
                + "<rect x=\"60\" y=\"40\" width=\"40\" height=\"40\" fill=\"none\" stroke=\"red\" stroke-width=\"2\"/></svg>",
                "image/svg+xml", Encoding.UTF8));
            app.MapPost("/api/flights/{id}/reprocess", async (string id, HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                Owner!.Reprocessed.Enqueue((id, await reader.ReadToEndAsync()));
                return Results.Accepted($"/api/flights/{id}", new { id });
            });
            app.MapPost("/api/flights", async (HttpRequest request) =>
            {
                // Names an upload may carry, echoed as the real service does: in a refusal's detail, in the ignored list.
                var form = await request.ReadFormAsync();
                var settings = form.Where(f => f.Key is not ("name" or "site" or "notes")).ToDictionary(f => f.Key, f => f.Value.ToString());
                if (form.Files.GetFile("dem") is { } dem)
                {
                    settings["dem (file)"] = dem.FileName;
                }

                Owner!.UploadSettings.Enqueue(settings);
                return form["name"] == "refuse"
                    ? Results.Problem(statusCode: 400, title: "Upload rejected", detail: $"file '{XssFileName}': a control character or one of : * ? \" < > | in the name")
                    : Results.Created($"/api/flights/fl-new", new
                    {
                        id = "fl-new",
                        photos = 2,
                        ignored = new object[]
                        {
                            new { file = "notes.txt", code = "not-a-photo", reason = "not a photo (JPEG, PNG or TIFF by its extension): not used" },
                            new { file = XssFileName + ".txt", code = "not-a-photo", reason = "<b>not</b> a photo" },
                        },
                    });
            });
        }

        private static Dictionary<string, object?> Hazard(string id, double lat, double lon, string cls, double conf, string status) => new()
        {
            ["id"] = id, ["flightId"] = FlightId, ["lat"] = lat, ["lon"] = lon, ["className"] = cls,
            ["classVotes"] = new Dictionary<string, int> { [cls] = 2 }, ["maxConfidence"] = conf, ["meanConfidence"] = conf - 0.1,
            ["observationCount"] = 2, ["sigmaM"] = 0.8, ["r90M"] = 1.7, ["status"] = status, ["reviewedBy"] = null, ["reviewedAt"] = null, ["label"] = null,
            ["finalClass"] = cls,
        };

        private static object Observation(string photoId, string fileName, double conf, string cls) => new
        {
            photoId, fileName, detectionIndex = 0, className = cls, confidence = conf, x1 = 100.0, y1 = 120.0, x2 = 140.0, y2 = 150.0, lat = 50.45, lon = 30.52, sigmaM = 0.8,
        };

        private static object ListItem(string id, string name, string status) => new
        {
            // The empty flight is the newest: pages that open on a flight must not open on one with nothing to show.
            id, name, site = "North field", status, createdAt = DateTimeOffset.Parse(id == EmptyFlightId ? "2026-05-02T10:00:00Z" : "2026-05-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            updatedAt = DateTimeOffset.UtcNow, photos = 21, hazards = id == FlightId ? 3 : 0,
        };

        private static object Detail(string id, string name, string status, double progress, int hazardCount) => new
        {
            id, name, site = "North field", notes = "notes <b>not bold</b>", status, progress,
            createdAt = DateTimeOffset.UtcNow, updatedAt = DateTimeOffset.UtcNow,
            photos = new
            {
                total = 21, done = (int)(21 * progress), ok = 19, skipped = 1, failed = 1,
                problems = new object[]
                {
                    // As the service answers: the advice for each code, in the request's language.
                    new { file = "IMG_0099.jpg", code = "no-gps", reason = PhotoProblemAdvice.For("no-gps") },
                    new { file = "<script>x</script>.jpg", code = "damaged-image", reason = PhotoProblemAdvice.For("damaged-image") },
                },
            },
            hazards = new { candidate = hazardCount, confirmed = 0, rejected = 0, unsure = 0, total = hazardCount },
            model = "dronescan-rgb 0.2.0",
            models = progress < 1 ? Array.Empty<ModelPhotoCount>() : new[] { new ModelPhotoCount("dronescan-rgb", "0.2.0", 18), new ModelPhotoCount("dronescan-thermal", "0.3.0", 1) },
            uploadedBy = "olga",
            problem = status == "failed" ? PhotoProblemAdvice.NoUsablePhoto : null,
            settings = new { aglM = status == "failed" ? (double?)null : 60.0, groundElevationM = (double?)null, sensorWidthMm = (double?)null, focalPx = (double?)null, gpsSigmaM = (double?)null, conf = (double?)null, model = "auto" },
        };

        private string PointsGeoJson()
        {
            lock (gate)
            {
                var features = hazards.Select(h => JsonSerializer.Serialize(new
                {
                    type = "Feature",
                    geometry = new { type = "Point", coordinates = new[] { (double)h["lon"]!, (double)h["lat"]! } },
                    properties = new { id = h["id"], status = h["status"] },
                }));
                return $$"""{"type":"FeatureCollection","features":[{{string.Join(',', features)}}]}""";
            }
        }

        /// <summary>Two photos over the points: ph-1 (under hz-3) near nadir with its corners and reduced copy, ph-2 an
        /// oblique view drawn as an outline only; one suggested area around hz-1 and hz-2; each point's errors.</summary>
        private static readonly FlightMapDto FlightMap = new(
            [
                new MapPhotoDto("ph-1", "<b>IMG_0001</b>.jpg", 0.006, Ring([50.4499, 30.5232], [50.4499, 30.5234], [50.4501, 30.5234], [50.4501, 30.5232]),
                    [[50.4501, 30.5232], [50.4501, 30.5234], [50.4499, 30.5234], [50.4499, 30.5232]], $"api/flights/{FlightId}/photos/ph-1/overlay"),
                new MapPhotoDto("ph-2", "IMG_0002.jpg", 0.02, Ring([50.4502, 30.5235], [50.4502, 30.5237], [50.4504, 30.5238], [50.4504, 30.5234]), null, null),
            ],
            [
                new MapAreaDto("sha-1", 95.5, 5, ["hz-1", "hz-2"], [Ring([50.45005, 30.52335], [50.45005, 30.52365], [50.45030, 30.52365], [50.45030, 30.52335])]),
            ],
            [
                new MapPointDto("hz-1", 0.8, 1.7, 0.12, 0.26),
                new MapPointDto("hz-2", 0.8, 1.7, 0.15, 0.32),
                new MapPointDto("hz-3", 0.8, 1.7, 0.2, 0.43),
            ]);

        private static double[][] Ring(params double[][] points) => [.. points, points[0]];

        private const string CoverageGeoJson = """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[30.5232,50.4499],[30.5237,50.4499],[30.5237,50.4504],[30.5232,50.4504],[30.5232,50.4499]]]},
              "properties":{"kind":"coverage","area_m2":1850.5,"max_gsd_m":0.01,"photo_count":19}},
             {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[30.5232,50.4499],[30.5234,50.4499],[30.5234,50.4501],[30.5232,50.4501],[30.5232,50.4499]]]},
              "properties":{"kind":"photo","photo_id":"ph-1","file_name":"<b>IMG_0001</b>.jpg","gsd_m":0.006}}
            ]}
            """;
    }

    public sealed record ReviewBody(string? Decision, string? Label, string? Comment);

    public sealed record BulkRejectBody(double Below, string? Comment);
}
