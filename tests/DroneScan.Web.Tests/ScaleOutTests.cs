using System.Diagnostics;
using System.Text.Json;
using DroneScan.Core.Flights;
using DroneScan.Storage;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DroneScan.Web.Tests;

/// <summary>
/// Scale-out on PostgreSQL: the web app (API only, no Hangfire server) and two separate <c>dronescan worker</c>
/// PROCESSES share one database and one data folder. In the service collection, so it runs after the embedded
/// SQLite service has processed the same demo flight (its result is the reference) and never beside another web app.
/// </summary>
[Collection(ServiceGroup.Name)]
public sealed class ScaleOutTests(ServiceFixture service, PostgresDatabase database, ITestOutputHelper log) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task DemoFlight_OnPostgres_WithTwoWorkerProcesses_ProcessesEveryPhotoOnce_AndGivesTheSqliteHazards()
    {
        string dataDir = Directory.CreateTempSubdirectory("dronescan-scaleout-").FullName;
        var workers = new List<DroneScanProcess>();
        WebApplication? app = null;
        var clock = Stopwatch.StartNew();
        try
        {
            // The web app first: it creates the app schema and Hangfire's, so the workers find both in place.
            app = DroneScanWebApp.Build(
                new HostSettings { Urls = "http://127.0.0.1:0", DataDir = dataDir, Database = "postgres", Connection = database.ConnectionString, ModelPath = TestPaths.Model },
                runJobs: false);
            await app.StartAsync();
            string token = app.Services.GetRequiredService<UserAdmin>().Create("scale-operator", [Roles.Operator]).Token;
            Assert.Equal(0L, database.QueryScalar("SELECT COUNT(*) FROM hangfire.server;"));

            workers.Add(StartWorker(database.ConnectionString, dataDir, 1));
            workers.Add(StartWorker(database.ConnectionString, dataDir, 2));
            await WaitUntilAsync(() => (long)database.QueryScalar("SELECT COUNT(*) FROM hangfire.server;")! == 2, TimeSpan.FromSeconds(90), () => "two Hangfire servers registered", workers);
            log.WriteLine($"web app and 2 workers up after {clock.Elapsed.TotalSeconds:F1} s");

            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var started = clock.Elapsed;
            string flightId = await ServiceFixture.UploadFilesAsync(client, Directory.GetFiles(TestPaths.DemoFlight, "*.jpg"), "demo on postgres");
            var flight = await ServiceFixture.WaitForDoneAsync(client, flightId);
            log.WriteLine($"demo flight (18 photos) uploaded and processed by 2 worker processes in {(clock.Elapsed - started).TotalSeconds:F1} s");

            // Every photo done once in the store, with the detections the embedded service found for the same photo.
            var photos = flight.GetProperty("photos");
            Assert.Equal((18, 18, 0), (photos.GetProperty("total").GetInt32(), photos.GetProperty("done").GetInt32(), photos.GetProperty("failed").GetInt32()));
            var store = app.Services.GetRequiredService<IFlightStore>();
            var jobs = app.Services.GetRequiredService<IFlightJobStore>();
            Assert.All(jobs.GetQueuedPhotos(flightId), p => Assert.True(p.Done, p.RelativePath));
            var reference = service.Get<IFlightStore>();
            Assert.Equal(DetectionsPerPhoto(reference, service.DemoFlightId), DetectionsPerPhoto(store, flightId));
            Assert.Equal(FlightWorkState.Done, jobs.GetWork(flightId)!.State);
            Assert.Equal(1L, database.QueryScalar($"SELECT COUNT(*) FROM runs WHERE flight_id = '{flightId}';"));

            // Every photo job ran exactly once (one Processing state, Succeeded), and both worker processes ran some.
            var photoJobs = database.Query("""
                SELECT j.id, j.statename, j.arguments::text,
                    (SELECT COUNT(*) FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Processing'),
                    (SELECT s.data::text FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Processing' ORDER BY s.id LIMIT 1)
                FROM hangfire.job j WHERE j.invocationdata::text LIKE '%ProcessPhoto%';
                """);
            Assert.Equal(18, photoJobs.Count);
            Assert.Equal(18, photoJobs.Select(r => (string)r[2]!).Distinct().Count());
            Assert.All(photoJobs, r => Assert.Equal(("Succeeded", 1L), ((string)r[1]!, (long)r[3]!)));
            var servers = photoJobs.Select(r => JsonDocument.Parse((string)r[4]!).RootElement.GetProperty("ServerId").GetString()!).ToList();
            foreach (var worker in workers)
            {
                int ran = servers.Count(s => s.Contains($":{worker.Process.Id}:", StringComparison.Ordinal));
                log.WriteLine($"worker pid {worker.Process.Id} ran {ran} photo job(s)");
                Assert.True(ran > 0, $"worker pid {worker.Process.Id} ran no photo job; servers: {string.Join(", ", servers.Distinct())}");
            }

            Assert.Equal(18, servers.Count);
            Assert.Equal(1L, database.QueryScalar("SELECT COUNT(*) FROM hangfire.job WHERE invocationdata::text LIKE '%FinaliseFlight%' AND statename = 'Succeeded';"));
            Assert.Equal(0L, database.QueryScalar("SELECT COUNT(*) FROM hangfire.job WHERE statename NOT IN ('Succeeded');"));

            // The same hazard points as the embedded SQLite service for the same folder.
            var expected = ServiceFixture.HazardKeys(reference, service.DemoFlightId);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, ServiceFixture.HazardKeys(store, flightId));
        }
        finally
        {
            foreach (var worker in workers)
            {
                int pid = worker.Pid;
                worker.Dispose();
                log.WriteLine($"--- worker {pid} output (tail) ---\n{worker.OutputTail()}");
            }

            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }

            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    private static Dictionary<string, int> DetectionsPerPhoto(IFlightStore store, string flightId) =>
        store.LoadObservations(flightId).GroupBy(o => o.PhotoId).ToDictionary(g => g.Key, g => g.Count());

    private static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, Func<string> what, IReadOnlyList<DroneScanProcess> workers)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline || workers.Any(w => w.Process.HasExited))
            {
                throw new TimeoutException($"not {what()} (after at most {timeout}, or a worker exited): {string.Join("\n---\n", workers.Select(w => w.OutputTail()))}");
            }

            await Task.Delay(250);
        }
    }

    private static DroneScanProcess StartWorker(string connectionString, string dataDir, int number) =>
        DroneScanProcess.Start(
            $"worker-{number}",
            ["worker", "--database", "postgres", "--connection", connectionString, "--data", dataDir, "--model", TestPaths.Model, "--workers", "1"],
            // Two processes on a small machine: one detector thread each.
            new Dictionary<string, string> { ["DRONESCAN_Jobs__DetectorThreads"] = "1" });
}
