using System.Security.Cryptography;
using DroneScan.Core.Flights;
using DroneScan.Detection;
using DroneScan.Pipeline.Detect;
using DroneScan.Pipeline.Scan;
using DroneScan.Storage;
using DroneScan.Storage.Sqlite;
using DroneScan.Web.Files;
using DroneScan.Web.Jobs;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DroneScan.Web.Tests;

/// <summary>A photo job that meets a database locked by another process fails cleanly and succeeds on retry.</summary>
public sealed class FlightJobStoreFailureTests : IDisposable
{
    private readonly string dataDir = Directory.CreateTempSubdirectory("dronescan-job-lock-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public void ProcessPhoto_WhenTheDatabaseIsLocked_ThrowsAClearErrorForARetry_AndTheRetryWritesThePhotoOnce()
    {
        var folders = new FlightFolders(dataDir);
        string flightId = FlightFolders.NewFlightId();
        string folder = folders.FlightFolder(flightId);
        Directory.CreateDirectory(folder);
        string photoFile = Directory.GetFiles(TestPaths.DemoFlight, "*.jpg").Order(StringComparer.Ordinal).First();
        File.Copy(photoFile, Path.Combine(folder, "a.jpg"));
        string photoId = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(photoFile)));

        string db = Path.Combine(dataDir, "dronescan.db");
        using var store = SqliteFlightStore.Open(db, TimeProvider.System, TimeSpan.FromMilliseconds(300));
        store.UpsertFlight(new FlightDefinition(flightId, "locked", folder));
        store.QueuePhotos(flightId, [new QueuedPhoto(photoId, "a.jpg")]);
        using var models = new ServiceModels([OnnxDetector.Load(TestPaths.Model)]);
        var client = new RecordingJobClient();
        var jobs = new FlightJobs(store, store, models, folders, client, Options.Create(new ScanOptions()), NullLogger<FlightJobs>.Instance);
        jobs.PlanFlight(flightId);

        using (var holder = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            holder.Open();
            Execute(holder, "BEGIN EXCLUSIVE;");

            // The last attempt (no Hangfire context): even then a locked database is not the photo's fault.
            var e = Assert.Throws<StoreUnavailableException>(() => jobs.ProcessPhoto(flightId, photoId, null));
            Assert.Equal(StoreProblem.Locked, e.Problem);
            Assert.StartsWith($"{db}: database is locked by another process", e.Message, StringComparison.Ordinal);
            Execute(holder, "COMMIT;");
        }

        Assert.Equal(0, store.GetFlight(flightId)!.PhotosFailed);
        Assert.False(store.GetQueuedPhotos(flightId).Single().Done);

        jobs.ProcessPhoto(flightId, photoId, null);
        jobs.ProcessPhoto(flightId, photoId, null); // a duplicate delivery changes nothing

        var flight = store.GetFlight(flightId)!;
        Assert.Equal((1, 0, 0), (flight.PhotosOk, flight.PhotosSkipped, flight.PhotosFailed));
        Assert.True(store.GetQueuedPhotos(flightId).Single().Done);
        var observations = store.LoadObservations(flightId);
        Assert.Equal(observations.Count, observations.Select(o => (o.PhotoId, o.DetectionIndex)).Distinct().Count());
        Assert.Contains(client.Created, j => j.Method.Name == nameof(FlightJobs.FinaliseFlight));
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Records the jobs enqueued instead of running them.</summary>
    private sealed class RecordingJobClient : IBackgroundJobClient
    {
        public List<Job> Created { get; } = [];

        public string Create(Job job, IState state)
        {
            Created.Add(job);
            return Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }
}
