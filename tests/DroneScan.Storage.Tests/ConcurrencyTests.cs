using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempStore db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public async Task TwoWriters_OnTwoConnections_WaitForEachOther_AndLoseNothing()
    {
        const int PhotosEach = 40;
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        var other = db.OpenAnother(TimeSpan.FromSeconds(20));
        long run = db.Store.StartRun(new RunStart(flightId, "rgb", "1", TestData.ModelA, "{}"));

        Task Writer(IFlightStore store, int offset) => Task.Run(() =>
        {
            for (int i = 0; i < PhotosEach; i++)
            {
                int n = offset + i;
                store.SavePhotoResult(flightId, TestData.Photo(n, run), [TestData.Obs(n, 0), TestData.Obs(n, 1)]);

                // Both also touch the same rows (the same photo) to force real contention.
                store.SavePhotoResult(flightId, TestData.Photo(0, run), [TestData.Obs(0, 0)]);
            }
        });

        await Task.WhenAll(Writer(db.Store, 1), Writer(other, 1001));

        var summary = db.Store.GetFlight(flightId)!;
        Assert.Equal((2 * PhotosEach) + 1, summary.PhotosOk);
        Assert.Equal((4 * PhotosEach) + 1, summary.Detections);
        using var c = new SqliteConnection($"Data Source={db.DbPath};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", cmd.ExecuteScalar());
        cmd.CommandText = "PRAGMA foreign_key_check;";
        using var r = cmd.ExecuteReader();
        Assert.False(r.Read());
    }

    [Fact]
    public async Task Write_WaitsForALockHeldByAnotherConnection_InsteadOfFailing()
    {
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        using var holder = new SqliteConnection($"Data Source={db.DbPath};Pooling=False");
        holder.Open();
        using var tx = holder.BeginTransaction(deferred: false);
        using (var cmd = holder.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE flights SET notes = 'held';";
            cmd.ExecuteNonQuery();
        }

        var write = Task.Run(() => db.Store.SavePhotoResult(flightId, TestData.Photo(1, null), [TestData.Obs(1, 0)]));
        await Task.Delay(300);
        Assert.False(write.IsCompleted);
        tx.Commit();
        await write.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, db.Store.GetFlight(flightId)!.Detections);
    }

    [Fact]
    public void Write_FailsWithBusy_AfterTheTimeout()
    {
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        var impatient = db.OpenAnother(TimeSpan.FromMilliseconds(200));
        using var holder = new SqliteConnection($"Data Source={db.DbPath};Pooling=False");
        holder.Open();
        using var tx = holder.BeginTransaction(deferred: false);

        var e = Assert.Throws<SqliteException>(() => impatient.SavePhotoResult(flightId, TestData.Photo(1, null), []));
        Assert.Equal(5, e.SqliteErrorCode); // SQLITE_BUSY
    }
}
