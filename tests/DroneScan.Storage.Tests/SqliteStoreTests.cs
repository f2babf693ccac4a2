using Microsoft.Data.Sqlite;

namespace DroneScan.Storage.Tests;

/// <summary>What only the SQLite store does: WAL, and waiting on (then failing after) the file's write lock.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private readonly SqliteHarness db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void Open_SetsWalJournal()
    {
        Assert.Equal("wal", db.QueryScalar("PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Write_WaitsForALockHeldByAnotherConnection_InsteadOfFailing()
    {
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        using var holder = db.Connect();
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
        using var holder = db.Connect();
        using var tx = holder.BeginTransaction(deferred: false);

        var e = Assert.Throws<SqliteException>(() => impatient.SavePhotoResult(flightId, TestData.Photo(1, null), []));
        Assert.Equal(5, e.SqliteErrorCode); // SQLITE_BUSY
    }
}
