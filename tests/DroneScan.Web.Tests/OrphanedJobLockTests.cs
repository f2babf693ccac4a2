using System.Diagnostics;
using DroneScan.Web.Auth;
using DroneScan.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DroneScan.Web.Tests;

/// <summary>
/// A worker process killed while it changes a job's state leaves Hangfire's <c>job:N:state-lock</c> row behind in
/// PostgreSQL (seen in the kill suite: the flight's job stayed "Processing" for ten minutes, Hangfire.PostgreSql's
/// default lock timeout). The service takes such a row over once it is <c>Jobs:DistributedLockTimeoutSeconds</c>
/// old, so the job runs on. Its own database, so the job counts of the kill test are not disturbed.
/// </summary>
[Collection(ServiceGroup.Name)]
public sealed class OrphanedJobLockTests(PostgresDatabase database, ITestOutputHelper log) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Flight_WhosePlanJobsStateLockWasLeftByAKilledProcess_IsProcessedOnceTheLockIsOld()
    {
        string dataDir = Directory.CreateTempSubdirectory("dronescan-orphan-lock-").FullName;
        DroneScanProcess? worker = null;
        WebApplication? app = null;
        try
        {
            app = DroneScanWebApp.Build(
                new HostSettings { Urls = "http://127.0.0.1:0", DataDir = dataDir, Database = "postgres", Connection = database.ConnectionString, ModelPath = TestPaths.Model },
                runJobs: false);
            await app.StartAsync();
            string token = app.Services.GetRequiredService<UserAdmin>().Create("lock-operator", [Roles.Operator]).Token;
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            string flightId = await ServiceFixture.UploadFilesAsync(client, Directory.GetFiles(TestPaths.DemoFlight, "*.jpg").Order().Take(1), "orphaned lock");

            // What a process killed inside a state change of the plan job leaves: the lock row, taken "now".
            long planJob = (long)database.QueryScalar("SELECT id FROM hangfire.job WHERE invocationdata::text LIKE '%PlanFlight%';")!;
            database.QueryScalar($"INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ('hangfire:job:{planJob}:state-lock', 0, now() AT TIME ZONE 'utc');");
            var clock = Stopwatch.StartNew();

            worker = DroneScanProcess.Start(
                "orphan-lock-worker",
                ["worker", "--database", "postgres", "--connection", database.ConnectionString, "--data", dataDir, "--model", TestPaths.Model, "--workers", "1"],
                new Dictionary<string, string> { ["DRONESCAN_Jobs__DetectorThreads"] = "1" });

            // Hangfire.PostgreSql's default (ten minutes) would keep the flight queued past the client's wait.
            var flight = await ServiceFixture.WaitForDoneAsync(client, flightId);
            log.WriteLine($"flight done {clock.Elapsed.TotalSeconds:F1} s after the orphaned lock was written");
            Assert.Equal(1, flight.GetProperty("photos").GetProperty("done").GetInt32());
            Assert.Equal("Succeeded", database.QueryScalar($"SELECT statename FROM hangfire.job WHERE id = {planJob};"));
            Assert.Equal(0L, database.QueryScalar($"SELECT COUNT(*) FROM hangfire.lock WHERE resource = 'hangfire:job:{planJob}:state-lock';"));
        }
        finally
        {
            if (worker is not null)
            {
                worker.Dispose();
                log.WriteLine($"--- worker output (tail) ---\n{worker.OutputTail(3000)}");
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
}
