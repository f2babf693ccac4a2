using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage;
using DroneScan.Storage.Sqlite;
using DroneScan.Web.Auth;
using DroneScan.Web.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DroneScan.Web.Tests;

[Collection(ServiceGroup.Name)]
public sealed class FlightProcessingTests(ServiceFixture service)
{
    [Fact]
    public async Task DemoFlight_UploadedAsFilesAndAsZip_GivesTheHazardsOfScanRunner()
    {
        // The CLI's scan of the same folder, with the same model and default options.
        var (expected, cliOptionsJson) = await ScanRunnerHazardsAsync();
        var store = service.Get<IFlightStore>();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, ServiceFixture.HazardKeys(store, service.DemoFlightId));

        // One shape of run options for both: the service's run record says what the CLI's does.
        Assert.Equal(cliOptionsJson, store.GetFlight(service.DemoFlightId)!.LatestRun!.OptionsJson);

        using var client = service.Client(Roles.Operator);
        var entries = Directory.GetFiles(TestPaths.DemoFlight).Select(f => ("demo/" + Path.GetFileName(f), File.ReadAllBytes(f)));
        string zipId = await ServiceFixture.CreatedIdAsync(await ServiceFixture.UploadZipAsync(client, ServiceFixture.Zip(entries), "demo zip"));
        var flight = await ServiceFixture.WaitForDoneAsync(client, zipId);

        Assert.Equal(18, flight.GetProperty("photos").GetProperty("ok").GetInt32());
        Assert.Equal(expected, ServiceFixture.HazardKeys(store, zipId));
    }

    [Fact]
    public async Task DemoFlight_Status_ReportsEveryPhotoDone_AndHazardCounts()
    {
        using var client = service.Client(Roles.Operator);
        var flight = await ServiceFixture.WaitForDoneAsync(client, service.DemoFlightId);

        var photos = flight.GetProperty("photos");
        Assert.Equal((18, 18, 0), (photos.GetProperty("total").GetInt32(), photos.GetProperty("done").GetInt32(), photos.GetProperty("failed").GetInt32()));
        Assert.Equal(1.0, flight.GetProperty("progress").GetDouble());
        Assert.True(flight.GetProperty("hazards").GetProperty("total").GetInt32() > 0);
    }

    [Fact]
    public void ProcessPhotoAndFinalise_RunAgain_LeaveTheSameRows_AndDoNotFinaliseTwice()
    {
        var store = service.Get<IFlightStore>();
        var work = service.Get<IFlightJobStore>();
        string flightId = service.DemoFlightId;
        var photo = work.GetQueuedPhotos(flightId).First(p => store.LoadObservations(flightId).Any(o => o.PhotoId == p.PhotoId));
        var observationsBefore = store.LoadObservations(flightId);
        var hazardsBefore = ServiceFixture.HazardKeys(store, flightId);
        var stateBefore = work.GetWork(flightId);

        using (var scope = service.Services.CreateScope())
        {
            var jobs = scope.ServiceProvider.GetRequiredService<FlightJobs>();
            jobs.ProcessPhoto(flightId, photo.PhotoId, null);
            jobs.ProcessPhoto(flightId, photo.PhotoId, null);
        }

        Assert.Equal(observationsBefore, store.LoadObservations(flightId));
        Assert.Equal(hazardsBefore, ServiceFixture.HazardKeys(store, flightId));

        using (var scope = service.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<FlightJobs>().FinaliseFlight(flightId);
        }

        Assert.Equal(hazardsBefore, ServiceFixture.HazardKeys(store, flightId));
        Assert.Equal((stateBefore!.State, stateBefore.RunId, 18), (work.GetWork(flightId)!.State, work.GetWork(flightId)!.RunId, work.GetWork(flightId)!.PhotosDone));
        Assert.False(work.TryBeginFinalise(flightId));
    }

    [Fact]
    public async Task PhotoJobRetried_AfterWinningTheFinaliseTransition_StillGetsTheFlightFinalised()
    {
        // A photo job that counted the last photo, won processing → finalising, and died before enqueuing the
        // finalise job: Hangfire re-runs it.
        var store = service.Get<IFlightStore>();
        var work = service.Get<IFlightJobStore>();
        var folders = service.Get<Files.FlightFolders>();
        string flightId = Files.FlightFolders.NewFlightId();
        Directory.CreateDirectory(folders.FlightFolder(flightId));
        File.Copy(Path.Combine(TestPaths.DemoFlight, "IMG_0003.jpg"), folders.PathOf(flightId, "IMG_0003.jpg"));
        store.UpsertFlight(new FlightDefinition(flightId, "crashed finaliser", folders.FlightFolder(flightId)));
        var queued = new QueuedPhoto(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(folders.PathOf(flightId, "IMG_0003.jpg")))), "IMG_0003.jpg");
        work.QueuePhotos(flightId, [queued]);
        work.StartWork(new RunStart(flightId, "m", "1", new string('0', 64), "{}"));
        Assert.Equal(0, work.MarkPhotoDone(flightId, queued.PhotoId));
        Assert.True(work.TryBeginFinalise(flightId));

        using (var scope = service.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<FlightJobs>().ProcessPhoto(flightId, queued.PhotoId, null);
        }

        using var client = service.Client(Roles.Operator);
        await ServiceFixture.WaitForDoneAsync(client, flightId);
    }

    [Fact]
    public async Task BadPhoto_IsMarkedFailedWithItsReason_AndTheFlightStillFinishes()
    {
        using var client = service.Client(Roles.Operator);
        string dir = Directory.CreateTempSubdirectory("dronescan-bad-").FullName;
        try
        {
            string bad = Path.Combine(dir, "broken.jpg");
            await File.WriteAllBytesAsync(bad, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5]);
            string id = await ServiceFixture.UploadFilesAsync(client, [Path.Combine(TestPaths.DemoFlight, "IMG_0001.jpg"), bad], "with a broken photo");
            var flight = await ServiceFixture.WaitForDoneAsync(client, id);

            var photos = flight.GetProperty("photos");
            Assert.Equal((2, 1), (photos.GetProperty("done").GetInt32(), photos.GetProperty("ok").GetInt32()));
            Assert.Equal("done-with-problems", flight.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, flight.GetProperty("problem").ValueKind);
            var problem = Assert.Single(photos.GetProperty("problems").EnumerateArray());
            Assert.Equal("broken.jpg", problem.GetProperty("file").GetString());
            AssertOperatorSentence(problem.GetProperty("reason").GetString()!, "broken.jpg");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task AFlightWithNoUsablePhoto_EndsFailed_SayingWhatToDo()
    {
        using var client = service.Client(Roles.Operator);
        string dir = Directory.CreateTempSubdirectory("dronescan-none-").FullName;
        try
        {
            string bad = Path.Combine(dir, "truncated.jpg");
            await File.WriteAllBytesAsync(bad, [0xFF, 0xD8, 0xFF, 0xE0, 9, 9, 9]);
            string id = await ServiceFixture.UploadFilesAsync(client, [bad], "nothing usable");
            var flight = await ServiceFixture.WaitForDoneAsync(client, id);

            Assert.Equal("failed", flight.GetProperty("status").GetString());
            Assert.Equal(0, flight.GetProperty("photos").GetProperty("ok").GetInt32());
            Assert.Contains("No photo of this flight could be used", flight.GetProperty("problem").GetString(), StringComparison.Ordinal);
            var problem = Assert.Single(flight.GetProperty("photos").GetProperty("problems").EnumerateArray());
            Assert.Equal("truncated.jpg", problem.GetProperty("file").GetString());
            AssertOperatorSentence(problem.GetProperty("reason").GetString()!, "truncated.jpg");
            var listed = (await client.GetFromJsonAsync<JsonElement[]>("/api/flights"))!.Single(f => f.GetProperty("id").GetString() == id);
            Assert.Equal("failed", listed.GetProperty("status").GetString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A sentence for the operator: names no file (the file is its own column), no command-line option, no
    /// server path, and says what to do.</summary>
    private static void AssertOperatorSentence(string reason, string file)
    {
        Assert.DoesNotContain(file, reason, StringComparison.Ordinal);
        Assert.DoesNotContain("--", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("/", reason, StringComparison.Ordinal);
        Assert.EndsWith(".", reason, StringComparison.Ordinal);
        Assert.True(reason.Length < 240, reason);
    }

    [Fact]
    public async Task Export_ServesEachFormat()
    {
        using var client = service.Client(Roles.Planner);
        foreach (var (query, type) in new[]
        {
            ("format=geojson", "application/geo+json"), ("format=kml", "application/vnd.google-earth.kml+xml"), ("format=gpx", "application/gpx+xml"),
            ("format=csv", "application/zip"), ("format=shp", "application/zip"), ("format=gpkg", "application/geopackage+sqlite3"),
            ("format=geojson&layer=coverage", "application/geo+json"), ("format=kml&layer=areas", "application/vnd.google-earth.kml+xml"),
            ("format=csv&status=candidate", "application/zip"),
        })
        {
            using var response = await client.GetAsync($"/api/flights/{service.DemoFlightId}/hazards?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0, query);
        }

        using var gpxPolygons = await client.GetAsync($"/api/flights/{service.DemoFlightId}/hazards?format=gpx&layer=areas");
        Assert.Equal(HttpStatusCode.BadRequest, gpxPolygons.StatusCode);
        Assert.Equal("application/problem+json", gpxPolygons.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Export_IsNamedByFlightNameAndDay_AndHoldsOnlyTheStatusAsked()
    {
        using var client = service.Client(Roles.Planner);
        string day = service.Get<IFlightStore>().GetFlight(service.DemoFlightId)!.Flight.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var filtered = await client.GetAsync($"/api/flights/{service.DemoFlightId}/hazards?format=geojson&status=candidate");
        using var areas = await client.GetAsync($"/api/flights/{service.DemoFlightId}/hazards?format=gpkg&layer=areas");

        Assert.Equal($"demo-{day}-points-candidate.geojson", filtered.Content.Headers.ContentDisposition!.FileName);
        Assert.Equal($"demo-{day}-areas.gpkg", areas.Content.Headers.ContentDisposition!.FileName);
        using var doc = JsonDocument.Parse(await filtered.Content.ReadAsStringAsync());
        var statuses = doc.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("status").GetString()).ToList();
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal("candidate", s));
    }

    private static async Task<(HashSet<(double, double, string, int)> Hazards, string OptionsJson)> ScanRunnerHazardsAsync()
    {
        string dir = Directory.CreateTempSubdirectory("dronescan-scan-").FullName;
        try
        {
            using var model = OnnxDetector.Load(TestPaths.Model);
            using var store = SqliteFlightStore.Open(Path.Combine(dir, "scan.db"), TimeProvider.System);
            var options = new ScanOptions();
            var report = await new ScanRunner(store, new TiledDetector(model, options.Detection), TimeProvider.System).RunAsync(TestPaths.DemoFlight, options);
            return (report.Hazards.Select(h => ServiceFixture.Key(h.Position.LatitudeDeg, h.Position.LongitudeDeg, h.ClassName, h.ObservationCount)).ToHashSet(),
                store.GetFlight(report.FlightId)!.LatestRun!.OptionsJson);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }
}
