using DroneScan.Core.Flights;
using DroneScan.Storage.Postgres;
using Npgsql;

namespace DroneScan.Storage.Tests;

/// <summary>What only the PostgreSQL store does: migrations raced by several processes, many workers writing one
/// flight, row locks instead of a file lock, and the database's own guard on the audit trail.</summary>
public sealed class PostgresStoreTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public void MissingServer_FailsWithHowToStartOne()
    {
        var e = Assert.Throws<InvalidOperationException>(() => PostgresServer.ConnectionStringFromEnvironment(null));
        Assert.Contains(PostgresServer.EnvironmentVariable, e.Message, StringComparison.Ordinal);
        Assert.Contains("tools/dev/postgres-test-server.sh start", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FromManyProcessesAtOnce_AppliesEachMigrationOnce()
    {
        string connectionString = server.NewSchema();
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        using var start = new Barrier(8);
        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return PostgresFlightStore.Open(connectionString, clock);
        })));
        try
        {
            stores[3].UpsertFlight(TestData.Flight());
            Assert.All(stores, s => Assert.Single(s.GetFlights()));
            using var c = new NpgsqlConnection(connectionString);
            c.Open();
            using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM schema_version;", c);
            Assert.Equal((long)PostgresSchema.Migrations.Count, cmd.ExecuteScalar());
        }
        finally
        {
            foreach (var s in stores)
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public async Task ManyWorkers_WritingOneFlight_LoseNothing_WhileReviewsAndFinalisingRun()
    {
        const int Workers = 6;
        const int PhotosEach = 15;
        using var db = new PostgresHarness(server);
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        long run = db.Store.StartRun(new RunStart(flightId, "rgb", "1", TestData.ModelA, "{}"));
        db.Store.SavePhotoResult(flightId, TestData.Photo(0, run), [TestData.Obs(0, 0)]);
        db.Store.ReplaceHazards(flightId, [TestData.Hazard("hz-0", TestData.Obs(0, 0))], TestData.Coverage(), []);
        var workers = Enumerable.Range(0, Workers).Select(_ => (PostgresFlightStore)db.OpenAnother()).ToList();

        var writes = workers.Select((store, w) => Task.Run(() =>
        {
            for (int i = 0; i < PhotosEach; i++)
            {
                int n = 1 + (w * 100) + i;
                store.SavePhotoResult(flightId, TestData.Photo(n, run), [TestData.Obs(n, 0), TestData.Obs(n, 1)]);
                if (i % 3 == 0)
                {
                    // Every worker also rewrites one shared photo and reviews the one hazard: contention on purpose.
                    store.SavePhotoResult(flightId, TestData.Photo(0, run), [TestData.Obs(0, 0)]);
                    store.AddReview("hz-0", ReviewDecision.Unsure, null, $"worker {w}", $"w{w}");
                }

                if (w == 0 && i % 5 == 0)
                {
                    store.ReplaceHazards(flightId, [TestData.Hazard("hz-0", TestData.Obs(0, 0))], TestData.Coverage(), []);
                }
            }
        })).ToArray();
        await Task.WhenAll(writes);

        var summary = db.Store.GetFlight(flightId)!;
        Assert.Equal((Workers * PhotosEach) + 1, summary.PhotosOk);
        Assert.Equal((2 * Workers * PhotosEach) + 1, summary.Detections);
        Assert.Equal(Workers * 5, db.Store.GetReviewHistory("hz-0").Count);
        Assert.Equal(Core.Hazards.HazardStatus.Unsure, Assert.Single(db.Store.GetHazards(flightId)).Status);
        db.AssertConsistent();
    }

    [Fact]
    public async Task PhotoWrite_WaitsForAFlightLockHeldByAnotherConnection_InsteadOfFailing()
    {
        using var db = new PostgresHarness(server);
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        using var holder = db.Connect();
        using var tx = holder.BeginTransaction();
        using (var cmd = new NpgsqlCommand("SELECT 1 FROM flights WHERE id = @id FOR UPDATE;", holder, tx))
        {
            cmd.Parameters.AddWithValue("id", flightId);
            cmd.ExecuteNonQuery();
        }

        var write = Task.Run(() => db.Store.SavePhotoResult(flightId, TestData.Photo(1, null), [TestData.Obs(1, 0)]));

        // The server's own view: a session waiting on a lock that the holder's session holds.
        using var observer = db.Connect();
        using var blocked = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE @holder = ANY(pg_blocking_pids(pid)) AND wait_event_type = 'Lock';", observer);
        blocked.Parameters.AddWithValue("holder", holder.ProcessID);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((long)(await blocked.ExecuteScalarAsync())! == 0)
        {
            Assert.False(write.IsCompleted, $"the write ended without waiting for the lock: {write.Exception?.InnerException?.Message}");
            Assert.True(DateTime.UtcNow < deadline, "no session waited for the held lock within 20 s");
            await Task.Yield();
        }

        Assert.False(write.IsCompleted);
        tx.Commit();
        await write.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, db.Store.GetFlight(flightId)!.Detections);
    }

    [Fact]
    public void Write_SaysTheDatabaseIsLocked_WhenALockIsNotGrantedWithinTheLockTimeout_AndSucceedsOnceReleased()
    {
        using var db = new PostgresHarness(server);
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;

        // A deployment that sets lock_timeout (here through the connection string) gets a clear error, not a hang.
        string impatient = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = "-c lock_timeout=300" }.ToString();
        using var store = PostgresFlightStore.Open(impatient, db.Clock);
        using var holder = db.Connect();
        using (var tx = holder.BeginTransaction())
        {
            using (var cmd = new NpgsqlCommand("SELECT 1 FROM flights WHERE id = @id FOR UPDATE;", holder, tx))
            {
                cmd.Parameters.AddWithValue("id", flightId);
                cmd.ExecuteNonQuery();
            }

            var e = Assert.Throws<StoreUnavailableException>(() => store.SavePhotoResult(flightId, TestData.Photo(1, null), [TestData.Obs(1, 0)]));
            Assert.Equal(StoreProblem.Locked, e.Problem);
            Assert.Equal(store.Description, e.Database);
            Assert.StartsWith($"{store.Description}: database is locked by another session", e.Message, StringComparison.Ordinal);
            Assert.Equal(PostgresErrorCodes.LockNotAvailable, Assert.IsType<PostgresException>(e.InnerException).SqlState);
            tx.Commit();
        }

        store.SavePhotoResult(flightId, TestData.Photo(1, null), [TestData.Obs(1, 0)]);
        Assert.Equal(1, db.Store.GetFlight(flightId)!.Detections);
    }

    [Fact]
    public void Reviews_CannotBeTruncated()
    {
        using var db = new PostgresHarness(server);
        var e = Assert.Throws<PostgresException>(() => db.ExecuteSql("TRUNCATE reviews;"));
        Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public void Times_AreKeptToTheMicrosecond()
    {
        using var db = new PostgresHarness(server);
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        var obs = TestData.Obs(1, 0) with { CaptureTime = new DateTimeOffset(2025, 4, 30, 10, 0, 0, TimeSpan.FromHours(3)).AddTicks(1234567) };

        db.Store.SavePhotoResult(flightId, TestData.Photo(1, null), [obs]);

        var stored = Assert.Single(db.Store.LoadObservations(flightId)).CaptureTime!.Value;
        Assert.Equal(obs.CaptureTime!.Value.AddTicks(-7), stored);
        Assert.Equal(TimeSpan.Zero, stored.Offset);
    }
}
