using DroneScan.Core.Flights;

namespace DroneScan.Storage.Tests;

/// <summary>Behaviour every <see cref="IFlightStore"/> shares; run once per store (classes at the end).</summary>
public abstract class ConcurrencyContract : IDisposable
{
    private readonly StoreHarness db;

    protected ConcurrencyContract(StoreHarness db)
    {
        this.db = db;
    }

    public void Dispose()
    {
        db.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task TwoWriters_OnTwoConnections_WaitForEachOther_AndLoseNothing()
    {
        const int PhotosEach = 40;
        string flightId = db.Store.UpsertFlight(TestData.Flight()).Id;
        var other = db.OpenAnother();
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
        db.AssertConsistent();
    }
}

public sealed class SqliteConcurrencyTests() : ConcurrencyContract(new SqliteHarness());

public sealed class PostgresConcurrencyTests(PostgresServer server) : ConcurrencyContract(new PostgresHarness(server)), IClassFixture<PostgresServer>;
