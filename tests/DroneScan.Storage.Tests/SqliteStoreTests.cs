using DroneScan.Core.Flights;
using DroneScan.Core.Hazards;
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

        // SQLite calls a connection's busy handler when it finds the lock held and waits for it. The store's handler is
        // the one its busy_timeout installs; this stand-in signals its first call and otherwise waits as that one does,
        // for the timeout the store set on the connection (0 would fail the write at once).
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new System.Collections.Concurrent.ConcurrentBag<BusyHandler>();
        db.Store.ConnectionOpened = connection => handlers.Add(WaitLikeBusyTimeout(connection, waiting));

        var write = Task.Run(() => db.Store.SavePhotoResult(flightId, TestData.Photo(1, null), [TestData.Obs(1, 0)]));
        await Task.WhenAny(waiting.Task, write).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(waiting.Task.IsCompleted, $"the write ended without waiting for the lock: {write.Exception?.InnerException?.Message}");
        Assert.False(write.IsCompleted);
        tx.Commit();
        await write.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, db.Store.GetFlight(flightId)!.Detections);
        db.Store.Dispose(); // the pooled connections go, and with them the handlers
        GC.KeepAlive(handlers);
    }

    [Fact]
    public void Write_FailsWithBusy_AfterTheTimeout()
    {
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        var impatient = db.OpenAnother(TimeSpan.FromMilliseconds(200));
        using var holder = db.Connect();
        using var tx = holder.BeginTransaction(deferred: false);

        var e = Assert.Throws<StoreUnavailableException>(() => impatient.SavePhotoResult(flightId, TestData.Photo(1, null), []));
        Assert.Equal(StoreProblem.Locked, e.Problem);
        Assert.Equal(5, Assert.IsType<SqliteException>(e.InnerException).SqliteErrorCode); // SQLITE_BUSY
    }

    [Fact]
    public void Write_SaysTheDatabaseIsLockedByAnotherProcess_AfterWaiting_AndSucceedsOnceItIsReleased()
    {
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        var impatient = db.OpenAnother(TimeSpan.FromMilliseconds(300));
        using var holder = db.Connect();
        Execute(holder, "BEGIN EXCLUSIVE;");

        var waited = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<StoreUnavailableException>(() => impatient.SavePhotoResult(flightId, TestData.Photo(1, null), [TestData.Obs(1, 0)]));
        Assert.True(waited.Elapsed >= TimeSpan.FromMilliseconds(250), $"gave up after {waited.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(StoreProblem.Locked, e.Problem);
        Assert.Equal(db.DbPath, e.Database);
        Assert.StartsWith($"{db.DbPath}: database is locked by another process", e.Message, StringComparison.Ordinal);

        Execute(holder, "COMMIT;");
        impatient.SavePhotoResult(flightId, TestData.Photo(1, null), [TestData.Obs(1, 0)]);
        Assert.Equal(1, db.Store.GetFlight(flightId)!.Detections);
    }

    [Fact]
    public void Open_SaysTheDatabaseIsLocked_WhenAnotherProcessHoldsIt()
    {
        using var holder = db.Connect();
        Execute(holder, "BEGIN EXCLUSIVE;");

        var e = Assert.Throws<StoreUnavailableException>(() => db.OpenAnother(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(StoreProblem.Locked, e.Problem);
    }

    [Fact]
    public void Open_SaysWhatIsWrong_WithAFileThatIsNotADatabase_AFolder_OrAPathUnderAFile()
    {
        string folder = Directory.CreateTempSubdirectory("dronescan-open-").FullName;
        try
        {
            string text = Path.Combine(folder, "notes.db");
            File.WriteAllText(text, "these are field notes, not a database; long enough to be read as a header. " + new string('x', 200));
            var notADatabase = Assert.Throws<StoreOpenException>(() => DroneScan.Storage.Sqlite.SqliteFlightStore.Open(text, TimeProvider.System));
            Assert.StartsWith(text + ": not a database", notADatabase.Message, StringComparison.Ordinal);

            var aFolder = Assert.Throws<StoreOpenException>(() => DroneScan.Storage.Sqlite.SqliteFlightStore.Open(folder, TimeProvider.System));
            Assert.StartsWith(folder + ": cannot open the database file", aFolder.Message, StringComparison.Ordinal);

            string underAFile = Path.Combine(text, "flights.db");
            var underFile = Assert.Throws<StoreOpenException>(() => DroneScan.Storage.Sqlite.SqliteFlightStore.Open(underAFile, TimeProvider.System));
            Assert.StartsWith(underAFile + ": cannot create the database's folder", underFile.Message, StringComparison.Ordinal);
            Assert.Equal("these are field notes", File.ReadAllText(text)[..21]);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Writes_OnAFullDatabase_FailAsDiskFull_LeaveEachPhotoWholeOrAbsent_AndSucceedOnceThereIsSpace()
    {
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        long run = db.Store.StartRun(new RunStart(flightId, "m", "1", TestData.ModelA, "{}"));
        long pages = Convert.ToInt64(db.QueryScalar("PRAGMA page_count;"), System.Globalization.CultureInfo.InvariantCulture);

        // A real SQLITE_FULL: the file may grow by a few pages only, so a photo's write fails part-way through its rows.
        db.Store.MaxPageCount = pages + 3;
        const int PerPhoto = 40;
        StoreUnavailableException? full = null;
        int saved = 0;
        for (int n = 1; n <= 50 && full is null; n++)
        {
            try
            {
                db.Store.SavePhotoResult(flightId, TestData.Photo(n, run), [.. Enumerable.Range(0, PerPhoto).Select(i => TestData.Obs(n, i))]);
                saved++;
            }
            catch (StoreUnavailableException ex)
            {
                full = ex;
            }
        }

        Assert.NotNull(full);
        Assert.Equal(StoreProblem.Full, full.Problem);
        Assert.Equal(13, Assert.IsType<SqliteException>(full.InnerException).SqliteErrorCode); // SQLITE_FULL
        Assert.StartsWith($"{db.DbPath}: disk full", full.Message, StringComparison.Ordinal);
        Assert.Contains("Free space and run again", full.Message, StringComparison.Ordinal);
        AssertPhotosWhole(flightId, PerPhoto, expectedPhotos: saved);

        // The other writes fail the same way and change nothing either.
        var failed = Assert.Throws<StoreUnavailableException>(() => db.Store.MarkPhotoFailed(
            flightId, TestData.Photo(99, run), new SkippedPhoto("x.jpg", "damaged-image", new string('x', 20_000))));
        Assert.Equal(StoreProblem.Full, failed.Problem);
        AssertPhotosWhole(flightId, PerPhoto, expectedPhotos: saved);

        db.Store.MaxPageCount = null;
        int next = saved + 1;
        db.Store.SavePhotoResult(flightId, TestData.Photo(next, run), [.. Enumerable.Range(0, PerPhoto).Select(i => TestData.Obs(next, i))]);
        AssertPhotosWhole(flightId, PerPhoto, expectedPhotos: saved + 1);
        db.AssertConsistent();
    }

    /// <summary>SQLite's <c>int (*)(void*, int)</c> busy handler: called with how many times it was called before;
    /// non-zero tries the lock again.</summary>
    [System.Runtime.InteropServices.UnmanagedFunctionPointer(System.Runtime.InteropServices.CallingConvention.Cdecl)]
    private delegate int BusyHandler(IntPtr argument, int count);

    /// <summary>Replaces the busy handler of <paramref name="connection"/> with one that completes <paramref name="waiting"/>
    /// when first called and then retries, as SQLite's own does, until the connection's <c>busy_timeout</c> has passed.
    /// The caller keeps the returned delegate alive while the connection may call it.</summary>
    private static BusyHandler WaitLikeBusyTimeout(SqliteConnection connection, TaskCompletionSource waiting)
    {
        long timeoutMs;
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "PRAGMA busy_timeout;";
            timeoutMs = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var waited = new System.Diagnostics.Stopwatch();
        BusyHandler handler = (_, count) =>
        {
            if (count == 0)
            {
                waited.Restart();
                waiting.TrySetResult();
            }

            if (waited.ElapsedMilliseconds >= timeoutMs)
            {
                return 0;
            }

            Thread.Sleep(1);
            return 1;
        };
        Assert.Equal(0, NativeSqlite.sqlite3_busy_handler(connection.Handle!.DangerousGetHandle(), handler, IntPtr.Zero));
        return handler;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every stored photo has all its detections, and there are as many photos as expected.</summary>
    private void AssertPhotosWhole(string flightId, int perPhoto, int expectedPhotos)
    {
        using var c = db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT p.photo_id, (SELECT COUNT(*) FROM detections d WHERE d.flight_id = p.flight_id AND d.photo_id = p.photo_id) FROM photos p WHERE p.flight_id = $f;";
        cmd.Parameters.AddWithValue("$f", flightId);
        int photos = 0;
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                photos++;
                Assert.Equal(perPhoto, r.GetInt32(1));
            }
        }

        Assert.Equal(expectedPhotos, photos);
        Assert.Equal((long)expectedPhotos * perPhoto, db.QueryScalar("SELECT COUNT(*) FROM detections;"));
    }

    /// <summary>The bundled SQLite library that Microsoft.Data.Sqlite loads (SQLitePCLRaw does not wrap the busy handler).</summary>
    private static class NativeSqlite
    {
        [System.Runtime.InteropServices.DllImport("e_sqlite3", CallingConvention = System.Runtime.InteropServices.CallingConvention.Cdecl)]
        public static extern int sqlite3_busy_handler(IntPtr db, BusyHandler handler, IntPtr argument);
    }
}
